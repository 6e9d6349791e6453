"""Changing the organisation tree. Each function is one transaction and writes its audit row."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.audit.services import audit_record, diff_values
from kexie.core.excel import write_workbook
from kexie.core.masking import mask_email, mask_phone

from .models import (
    Organization,
    OrganizationClosure,
    OrganizationStatusChange,
    OrgKind,
    OrgStatus,
    kind_may_sit_under,
)

EDITABLE_FIELDS = (
    "name", "short_name", "aliases", "kind", "credit_code", "region_code", "contact_person",
    "contact_phone", "contact_email", "address", "founded_on", "sort_order",
)


def organization_snapshot(org: Organization) -> dict:
    """What an audit row records about an organisation: the contact's phone and e-mail masked, as
    personal data is (the trail must not hold them in clear)."""
    data = {field: getattr(org, field) for field in EDITABLE_FIELDS}
    data["contact_phone"], data["contact_email"] = mask_phone(org.contact_phone), mask_email(org.contact_email)
    data["parent"] = org.parent_id
    data["status"] = org.status
    if data["founded_on"] is not None:
        data["founded_on"] = data["founded_on"].isoformat()
    return data


def check_kind_under_parent(*, kind: str, parent: Organization | None) -> None:
    parent_kind = parent.kind if parent else None
    if not kind_may_sit_under(kind, parent_kind):
        kind_label = OrgKind(kind).label
        if parent is None:
            message = _("A %(kind)s cannot be a top-level organisation.") % {"kind": kind_label}
        else:
            message = _("A %(kind)s cannot sit under %(parent)s (a %(parent_kind)s).") % {
                "kind": kind_label, "parent": parent.name, "parent_kind": OrgKind(parent.kind).label}
        raise ValidationError({"parent": message})


def _clean_aliases(aliases) -> list[str]:
    if isinstance(aliases, str):
        aliases = aliases.replace("，", ",").replace("、", ",").replace("；", ",").replace(";", ",").split(",")
    seen, result = set(), []
    for alias in aliases or []:
        alias = str(alias).strip()
        if alias and alias not in seen:
            seen.add(alias)
            result.append(alias)
    return result


def organization_create(*, by, parent: Organization | None, name: str, kind: str, **fields) -> Organization:
    """Create an organisation under ``parent`` (None for a root) and its closure rows."""
    fields["aliases"] = _clean_aliases(fields.get("aliases"))
    if fields.get("credit_code"):
        fields["credit_code"] = fields["credit_code"].strip().upper()
    org = Organization(parent=parent, name=(name or "").strip(), kind=kind, created_by=by, **fields)
    org.depth = parent.depth + 1 if parent else 0
    check_kind_under_parent(kind=kind, parent=parent)
    org.full_clean()
    with transaction.atomic():
        org.save()
        rows = [OrganizationClosure(ancestor=org, descendant=org, depth=0)]
        if parent is not None:
            rows += [
                OrganizationClosure(ancestor_id=link.ancestor_id, descendant=org, depth=link.depth + 1)
                for link in OrganizationClosure.objects.filter(descendant=parent)
            ]
        OrganizationClosure.objects.bulk_create(rows)
        audit_record(action="create", by=by, obj=org, new=organization_snapshot(org))
    return org


def organization_update(*, by, organization: Organization, data: dict) -> Organization:
    """Edit fields of an organisation (not its place in the tree: see organization_move)."""
    org = Organization.objects.get(pk=organization.pk)
    old = organization_snapshot(org)
    if "aliases" in data:
        data = {**data, "aliases": _clean_aliases(data["aliases"])}
    if data.get("credit_code"):
        data = {**data, "credit_code": data["credit_code"].strip().upper()}
    for field, value in data.items():
        if field not in EDITABLE_FIELDS:
            raise ValueError(f"{field} is not editable here")
        setattr(org, field, value)
    if "kind" in data:
        check_kind_under_parent(kind=org.kind, parent=org.parent)
        for child in org.children.all():
            if not kind_may_sit_under(child.kind, org.kind):
                raise ValidationError({"kind": _("%(child)s cannot sit under a %(kind)s.") % {
                    "child": child.name, "kind": OrgKind(org.kind).label}})
    org.full_clean()
    with transaction.atomic():
        org.save()
        before, after = diff_values(old, organization_snapshot(org))
        if after:
            audit_record(action="update", by=by, obj=org, old=before, new=after)
    return org


def organization_move(*, by, organization: Organization, new_parent: Organization | None) -> Organization:
    """Move an organisation and its whole subtree under ``new_parent``; refuses cycles."""
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if new_parent is not None and OrganizationClosure.objects.filter(
                ancestor=org, descendant_id=new_parent.pk).exists():
            raise ValidationError({"parent": _("%(org)s cannot be moved under itself or one of its own "
                                               "sub-organisations.") % {"org": org.name}})
        if (new_parent.pk if new_parent else None) == org.parent_id:
            return org
        check_kind_under_parent(kind=org.kind, parent=new_parent)
        if Organization.objects.filter(parent=new_parent, name=org.name).exclude(pk=org.pk).exists():
            raise ValidationError({"parent": _("The new parent already has an organisation named %(name)s.")
                                   % {"name": org.name}})
        old_parent_id = org.parent_id
        subtree_ids = list(OrganizationClosure.objects.filter(ancestor=org).values_list("descendant_id", flat=True))
        # Cut the links between the subtree and its old ancestors ...
        OrganizationClosure.objects.filter(descendant_id__in=subtree_ids).exclude(
            ancestor_id__in=subtree_ids).delete()
        # ... and join it to the new ancestors: every (new ancestor, subtree node) pair.
        if new_parent is not None:
            upper = list(OrganizationClosure.objects.filter(descendant=new_parent).values_list("ancestor_id", "depth"))
            lower = list(OrganizationClosure.objects.filter(ancestor=org).values_list("descendant_id", "depth"))
            OrganizationClosure.objects.bulk_create(
                [OrganizationClosure(ancestor_id=a, descendant_id=d, depth=da + dd + 1)
                 for a, da in upper for d, dd in lower],
                batch_size=2000,
            )
        delta = (new_parent.depth + 1 if new_parent else 0) - org.depth
        if delta:
            Organization.objects.filter(pk__in=subtree_ids).update(depth=F("depth") + delta)
        Organization.objects.filter(pk=org.pk).update(parent=new_parent)
        org.refresh_from_db()
        audit_record(action="move", by=by, obj=org, old={"parent": old_parent_id},
                     new={"parent": new_parent.pk if new_parent else None},
                     detail=_("Moved with %(count)d sub-organisations.") % {"count": len(subtree_ids) - 1})
    return org


def organization_set_status(*, by, organization: Organization, status: str, reason: str = "") -> Organization:
    """Activate, make dormant or dissolve. Dissolving needs every sub-organisation dissolved first."""
    if status not in OrgStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    with transaction.atomic():
        org = Organization.objects.select_for_update().get(pk=organization.pk)
        if org.status == status:
            return org
        if status == OrgStatus.DISSOLVED:
            live = org.children.exclude(status=OrgStatus.DISSOLVED).count()
            if live:
                raise ValidationError({"status": _(
                    "%(org)s still has %(count)d sub-organisations that are not dissolved.")
                    % {"org": org.name, "count": live}})
        if status != OrgStatus.DISSOLVED and org.parent and org.parent.status == OrgStatus.DISSOLVED:
            raise ValidationError({"status": _("The parent organisation is dissolved.")})
        old = org.status
        org.status = status
        org.save(update_fields=["status", "updated_at"])
        OrganizationStatusChange.objects.create(organization=org, from_status=old, to_status=status,
                                                reason=reason, changed_by=by)
        audit_record(action="status", by=by, obj=org, old={"status": old}, new={"status": status},
                     detail=reason)
    return org


def organization_batch_set_status(*, by, organizations, status: str, reason: str = "") -> int:
    """Set the status of several organisations at once: all of them or, on any refusal, none.

    Returns how many actually changed. A refusal names the organisation it concerns.
    """
    changed = 0
    with transaction.atomic():
        # Children first when dissolving, so a parent and its children can be dissolved together.
        ordered = sorted(organizations, key=lambda o: o.depth, reverse=(status == OrgStatus.DISSOLVED))
        for org in ordered:
            before = org.status
            try:
                updated = organization_set_status(by=by, organization=org, status=status, reason=reason)
            except ValidationError as error:
                messages = error.message_dict.get("status", error.messages) if hasattr(error, "error_dict") \
                    else error.messages
                raise ValidationError(_("%(org)s: %(reason)s") % {"org": org.name, "reason": " ".join(messages)}) \
                    from None
            changed += updated.status != before
    return changed


def organization_export(*, by, queryset, filters: dict, headers, row_for, title: str):
    """Build the export workbook of ``queryset`` (already scoped and filtered) and audit it."""
    organizations = list(queryset)
    workbook = write_workbook(title=title, headers=headers, rows=(row_for(org) for org in organizations))
    with transaction.atomic():
        audit_record(action="export", by=by, object_type=Organization._meta.label_lower,
                     object_repr=title, new={"filters": filters, "count": len(organizations)},
                     detail=_("Exported %(count)d organisations.") % {"count": len(organizations)})
    return workbook


class ImportRejected(Exception):
    """The import rows did not pass validation at confirmation time; nothing was saved."""

    def __init__(self, results):
        super().__init__("import rows have errors")
        self.results = results


PENDING_IMPORT_LIFETIME = dt.timedelta(days=1)


def organization_import_prepare(*, by, filename: str, rows: list[dict]):
    """Keep the parsed rows of an uploaded file for its preview and confirmation.

    No audit row: nothing in the registry changes until the import is confirmed. Previews
    left unconfirmed for a day are dropped here, so abandoned uploads do not pile up.
    """
    from .models import OrganizationImport

    with transaction.atomic():
        OrganizationImport.objects.filter(status=OrganizationImport.Status.PENDING,
                                          created_at__lt=timezone.now() - PENDING_IMPORT_LIFETIME).delete()
        return OrganizationImport.objects.create(created_by=by, filename=(filename or "")[:255], rows=rows)


def organization_import(*, by, batch, scope_queryset, may_create_root: bool) -> list[Organization]:
    """Create every row of a previewed import in ONE transaction, or nothing.

    The rows are validated again here, inside the transaction, because the tree may have
    changed since the preview. Writes one "import" audit row plus the per-object "create" rows.
    """
    from .importers import validate_rows
    from .models import OrganizationImport

    with transaction.atomic():
        batch = OrganizationImport.objects.select_for_update().get(pk=batch.pk)
        if batch.status != OrganizationImport.Status.PENDING:
            raise ValidationError(_("This import has already been carried out."))
        if not batch.rows:
            raise ValidationError(_("The file contains no data rows below the header."))
        results = validate_rows(batch.rows, scope_queryset=scope_queryset, may_create_root=may_create_root)
        if any(not r.ok for r in results):
            raise ImportRejected(results)
        created: list[Organization] = []
        for result in results:
            values = result.values
            if result.parent_ref is None:
                parent = None
            elif result.parent_ref[0] == "db":
                parent = Organization.objects.get(pk=result.parent_ref[1])
            else:
                parent = created[result.parent_ref[1]]
            try:
                org = organization_create(
                    by=by, parent=parent, name=values["name"], kind=result.kind,
                    short_name=values["short_name"], aliases=values["aliases"],
                    credit_code=values["credit_code"], region_code=values["region_code"],
                    founded_on=result.founded_on, status=result.status,
                    contact_person=values["contact_person"], contact_phone=values["contact_phone"],
                    contact_email=values["contact_email"], address=values["address"],
                )
            except ValidationError as error:
                # A rule the row checks did not foresee: report it on the row, keep nothing.
                for field, messages in getattr(error, "message_dict", {"name": error.messages}).items():
                    column = field if field in {"name", "kind", "parent", "credit_code", "region_code",
                                                "founded_on", "status", "contact_email"} else "name"
                    for message in messages:
                        result.error(column, message)
                raise ImportRejected(results) from None
            created.append(org)
        batch.status = OrganizationImport.Status.IMPORTED
        batch.imported_count = len(created)
        batch.imported_at = timezone.now()
        batch.save(update_fields=["status", "imported_count", "imported_at"])
        audit_record(action="import", by=by, object_type=Organization._meta.label_lower,
                     object_id=str(batch.pk), object_repr=batch.filename[:300],
                     new={"file": batch.filename, "count": len(created), "ids": [o.pk for o in created]},
                     detail=_("Imported %(count)d organisations from %(file)s.")
                     % {"count": len(created), "file": batch.filename})
    return created


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def organizations_bulk_create(*, by, rows: list[dict], batch_size: int = 1000) -> list[Organization]:
    """Create many organisations at once: the path for loading a whole network (tens of thousands).

    Each row is a dict of the fields ``organization_create`` takes, with ``parent`` either an
    existing Organization, None (a root), or the index of an earlier row. The same rules apply
    as one by one — the kind under its parent, field validation, unique names under a parent,
    unique credit codes — and the same closure rows are written, but with a few statements per
    thousand rows instead of a few per row. All or nothing; one audit row lists the new ids.
    A refusal names the row (1-based) and the organisation. Like ``organization_create`` it checks
    no permission itself: its callers are loaders (``kexie bench generate``) running as the system.
    """
    orgs: list[Organization] = []
    parents: list[Organization | None] = []
    names_seen: set[tuple] = set()

    def under(parent):  # who a name must be unique under: an existing parent by pk, a new one by identity
        return ("db", parent.pk) if parent is not None and parent.pk is not None else ("new", id(parent))

    codes_seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        fields = dict(row)
        parent = fields.pop("parent", None)
        name = (fields.pop("name", "") or "").strip()
        kind = fields.pop("kind", "")
        if isinstance(parent, int):
            if not 0 <= parent < len(orgs):
                raise ValueError(f"row {number}: parent refers to row {parent + 1}, which does not come before it")
            parent = orgs[parent]
        fields["aliases"] = _clean_aliases(fields.get("aliases"))
        if fields.get("credit_code"):
            fields["credit_code"] = fields["credit_code"].strip().upper()
        org = Organization(name=name, kind=kind, created_by=by, **fields)
        org.depth = parent.depth + 1 if parent else 0
        try:
            check_kind_under_parent(kind=kind, parent=parent)
            org.full_clean(exclude=["parent"], validate_unique=False, validate_constraints=False)
            if (under(parent), name) in names_seen:
                raise ValidationError({"name": _("The parent already has an organisation named %(name)s.")
                                       % {"name": name}})
            if org.credit_code and org.credit_code in codes_seen:
                raise ValidationError({"credit_code": _("Another organisation already has this credit code.")})
        except ValidationError as error:
            raise ValidationError(_("Row %(row)d (%(name)s): %(reason)s") % {
                "row": number, "name": name, "reason": " ".join(error.messages)}) from None
        names_seen.add((under(parent), name))
        if org.credit_code:
            codes_seen.add(org.credit_code)
        org.refresh_search_text()
        orgs.append(org)
        parents.append(parent)
    existing = {p.pk: p for p in parents if p is not None and p.pk is not None}
    for chunk in _chunks(list(existing)):
        for parent_id, name in Organization.objects.filter(parent_id__in=chunk).values_list("parent_id", "name"):
            if (("db", parent_id), name) in names_seen:
                raise ValidationError(_("%(parent)s already has an organisation named %(name)s.")
                                      % {"parent": existing[parent_id].name, "name": name})
    for chunk in _chunks(sorted(codes_seen)):
        taken = Organization.objects.filter(credit_code__in=chunk).values_list("credit_code", flat=True).first()
        if taken:
            raise ValidationError(_("Another organisation already has the credit code %(code)s.") % {"code": taken})
    with transaction.atomic():
        # Closure chains of the existing parents: (ancestor id, depth) from the parent up.
        chains: dict[int, list[tuple[int, int]]] = {}
        for chunk in _chunks(list(existing)):
            for ancestor_id, descendant_id, depth in OrganizationClosure.objects.filter(
                    descendant_id__in=chunk).values_list("ancestor_id", "descendant_id", "depth"):
                chains.setdefault(descendant_id, []).append((ancestor_id, depth))
        # Parents before children: insert level by level, each level in batches.
        order = sorted(range(len(orgs)), key=lambda i: orgs[i].depth)
        closure: list[OrganizationClosure] = []
        start = 0
        while start < len(order):
            depth = orgs[order[start]].depth
            end = start
            while end < len(order) and orgs[order[end]].depth == depth:
                end += 1
            level = [orgs[i] for i in order[start:end]]
            for i in order[start:end]:
                orgs[i].parent = parents[i]
            Organization.objects.bulk_create(level, batch_size=batch_size)
            for i in order[start:end]:
                org, parent = orgs[i], parents[i]
                chain = [(org.pk, 0)] + [(a, d + 1) for a, d in (chains[parent.pk] if parent else [])]
                chains[org.pk] = chain
                closure += [OrganizationClosure(ancestor_id=a, descendant_id=org.pk, depth=d) for a, d in chain]
            if len(closure) >= 20 * batch_size:
                OrganizationClosure.objects.bulk_create(closure, batch_size=5 * batch_size)
                closure = []
            start = end
        OrganizationClosure.objects.bulk_create(closure, batch_size=5 * batch_size)
        audit_record(action="import", by=by, object_type=Organization._meta.label_lower,
                     object_repr=_("%(count)d organisations created in bulk") % {"count": len(orgs)},
                     new={"count": len(orgs), "ids": [o.pk for o in orgs]},
                     detail=_("Created %(count)d organisations in bulk.") % {"count": len(orgs)})
    return orgs
