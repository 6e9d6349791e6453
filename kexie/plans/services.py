"""Writing plans: the reviewed import, its edits and confirmation. One transaction each, audited."""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kexie.audit.services import audit_record
from kexie.organizations.models import Organization, OrganizationClosure

from . import tree
from .models import Assignment, AssignmentRole, ImportStatus, Plan, PlanImport, PlanItem, PlanStatus, Target

FORMAT = "kexie.plan/1"

TREE_ERRORS = {
    "no_such_item": "The item no longer exists; reload the page.",
    "empty_title": "The title cannot be empty.",
    "bad_kind": "Unknown kind.",
    "bad_date": "A date is written as YYYY-MM-DD.",
    "nothing_before": "The first item has nothing before it to merge into.",
    "bad_split": "Choose a point inside the item's text to split at.",
    "cannot_indent": "Only an item that follows a sibling can be moved one level down.",
    "cannot_outdent": "A top-level item cannot move further up.",
    "cannot_move": "There is no sibling to swap with in that direction.",
    "target_needs_value": "A target needs a minimum or a maximum value.",
    "target_range": "The minimum cannot be larger than the maximum.",
    "no_such_target": "The target no longer exists; reload the page.",
}


def tree_error_message(code: str) -> str:
    return _(TREE_ERRORS.get(code, code))


def _date(value):
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(_("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value}) from None


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from None


def validate_plan_json(data) -> dict:
    """Check a kexie.plan/1 document sent back by a client; returns it with uids added."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationError({"format": _("Expected a kexie.plan/1 document.")})
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise ValidationError({"items": _("The plan has no items.")})
    for number, item in enumerate(items, start=1):
        where = _("item %(n)d") % {"n": number}
        if not isinstance(item, dict) or not str(item.get("title", "")).strip():
            raise ValidationError({"items": _("%(where)s has no title.") % {"where": where}})
        if item.get("kind") not in tree.KINDS:
            raise ValidationError({"items": _("%(where)s has an unknown kind.") % {"where": where}})
        if not str(item.get("key", "")).replace(".", "").isdigit():
            raise ValidationError({"items": _("%(where)s has no valid key.") % {"where": where}})
        _date(item.get("due"))
        for target in item.get("targets") or []:
            low, high = _decimal(target.get("min")), _decimal(target.get("max"))
            if low is not None and high is not None and low > high:
                raise ValidationError({"items": _("%(where)s has a target whose minimum exceeds its maximum.")
                                       % {"where": where}})
    parsed = tree.with_uids(data)
    tree.renumber(parsed["items"], [tree.depth_of(i) for i in parsed["items"]])
    return parsed


@transaction.atomic
def plan_import_start(*, by, organization: Organization, source_text: str, parsed: dict, source_name: str = "",
                      uploaded_file=None, base_plan: Plan | None = None, unit_mapping: dict | None = None) -> PlanImport:
    """Open a review of a parsed document for ``organization``. Nothing is a plan yet."""
    plan_import = PlanImport(
        organization=organization, source_text=source_text, parsed=tree.with_uids(parsed),
        source_name=source_name[:255], base_plan=base_plan, created_by=by, unit_mapping=unit_mapping or {},
    )
    if uploaded_file is not None:
        plan_import.source_file.save(source_name or "document", uploaded_file, save=False)
    plan_import.save()
    audit_record(action="create", by=by, obj=plan_import,
                 new={"source": source_name, "items": len(parsed["items"]), "organization": organization.pk})
    return plan_import


def _require_draft(plan_import: PlanImport) -> None:
    if plan_import.status != ImportStatus.DRAFT:
        raise ValidationError(_("This import is already confirmed or discarded."))


@transaction.atomic
def plan_import_edit(*, by, plan_import: PlanImport, operation: str, uid: int, **arguments) -> PlanImport:
    """Apply one review edit (edit, delete, merge, split, indent, move, units, add/remove target)."""
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _require_draft(plan_import)
    operations = {
        "edit": tree.edit_item, "delete": tree.delete_item, "merge": tree.merge_with_previous,
        "split": tree.split_item, "indent": tree.indent_item, "move": tree.move_item, "units": tree.set_units,
        "add_target": tree.add_target, "remove_target": tree.remove_target,
    }
    if operation not in operations:
        raise ValueError(operation)
    try:
        plan_import.parsed = operations[operation](plan_import.parsed, uid, **arguments)
    except tree.TreeEditError as error:
        raise ValidationError(tree_error_message(error.code)) from None
    plan_import.save(update_fields=["parsed", "updated_at"])
    audit_record(action="update", by=by, obj=plan_import, new={"edit": operation, "item": uid, **{
        k: v for k, v in arguments.items() if isinstance(v, (str, int, list))}})
    return plan_import


@transaction.atomic
def plan_import_update_metadata(*, by, plan_import: PlanImport, title: str, issuer: str = "", doc_number: str = "",
                                issued_on=None, period_start=None, period_end=None) -> PlanImport:
    """Correct the plan's title, issuer, document number, date and period during review."""
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _require_draft(plan_import)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("The plan needs a title.")})
    issued_on, period_start, period_end = _date(issued_on), _date(period_start), _date(period_end)
    if bool(period_start) != bool(period_end):
        raise ValidationError({"period_end": _("Give both the start and the end of the period, or neither.")})
    if period_start and period_start > period_end:
        raise ValidationError({"period_end": _("The period cannot end before it starts.")})
    parsed = plan_import.parsed
    old = {k: parsed.get(k) for k in ("title", "issuer", "doc_number", "issued_on", "period")}
    parsed.update({
        "title": title[:300], "issuer": (issuer or "").strip()[:200] or None,
        "doc_number": (doc_number or "").strip()[:100] or None,
        "issued_on": issued_on.isoformat() if issued_on else None,
        "period": {"start": period_start.isoformat(), "end": period_end.isoformat()} if period_start else None,
    })
    plan_import.save(update_fields=["parsed", "updated_at"])
    audit_record(action="update", by=by, obj=plan_import, old=old,
                 new={k: parsed.get(k) for k in ("title", "issuer", "doc_number", "issued_on", "period")})
    return plan_import


@transaction.atomic
def plan_import_map_unit(*, by, plan_import: PlanImport, unit: str, organization: Organization | None) -> PlanImport:
    """Map a unit string to an organisation, or (organization=None) leave it explicitly unassigned."""
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _require_draft(plan_import)
    if unit not in tree.unit_names(plan_import.parsed):
        raise ValidationError({"unit": _("“%(unit)s” does not occur in this plan.") % {"unit": unit}})
    old = plan_import.unit_mapping.get(unit)
    plan_import.unit_mapping[unit] = {"organization": organization.pk} if organization else {"unassigned": True}
    plan_import.save(update_fields=["unit_mapping", "updated_at"])
    audit_record(action="update", by=by, obj=plan_import, old={"unit": unit, "mapping": old},
                 new={"unit": unit, "mapping": plan_import.unit_mapping[unit]})
    return plan_import


@transaction.atomic
def plan_import_map_units(*, by, plan_import: PlanImport, mapping: dict[str, Organization]) -> PlanImport:
    """Map several unit strings at once ("采用全部建议"): all of them or, on an error, none."""
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _require_draft(plan_import)
    known = set(tree.unit_names(plan_import.parsed))
    strangers = [unit for unit in mapping if unit not in known]
    if strangers:
        raise ValidationError({"unit": _("“%(unit)s” does not occur in this plan.") % {"unit": strangers[0]}})
    old = {unit: plan_import.unit_mapping.get(unit) for unit in mapping}
    for unit, organization in mapping.items():
        plan_import.unit_mapping[unit] = {"organization": organization.pk}
    plan_import.save(update_fields=["unit_mapping", "updated_at"])
    audit_record(action="update", by=by, obj=plan_import, old={"mappings": old},
                 new={"mappings": {unit: plan_import.unit_mapping[unit] for unit in mapping}})
    return plan_import


@transaction.atomic
def plan_import_discard(*, by, plan_import: PlanImport) -> None:
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _require_draft(plan_import)
    plan_import.status = ImportStatus.DISCARDED
    plan_import.save(update_fields=["status", "updated_at"])
    audit_record(action="update", by=by, obj=plan_import, new={"status": ImportStatus.DISCARDED})


def unmapped_units(plan_import: PlanImport) -> list[str]:
    return [u for u in tree.unit_names(plan_import.parsed) if u not in plan_import.unit_mapping]


@transaction.atomic
def plan_import_confirm(*, by, plan_import: PlanImport, allowed_organizations) -> Plan:
    """Turn a reviewed import into a Plan with its items, targets and assignments — all or nothing.

    ``allowed_organizations`` is the queryset of organisations the user may assign (their scope);
    a mapping to anything else is refused.
    """
    plan_import = PlanImport.objects.select_for_update().get(pk=plan_import.pk)
    _require_draft(plan_import)
    missing = unmapped_units(plan_import)
    if missing:
        raise ValidationError({"unit_mapping": _(
            "Map these units to an organisation or leave them explicitly unassigned: %(units)s")
            % {"units": "、".join(missing)}})
    org_ids = {m["organization"] for m in plan_import.unit_mapping.values() if m.get("organization")}
    organizations = {o.pk: o for o in allowed_organizations.filter(pk__in=org_ids)}
    if set(organizations) != org_ids:
        raise ValidationError({"unit_mapping": _("Some mapped organisations no longer exist or are outside your "
                                                 "scope; map those units again.")})
    parsed = plan_import.parsed
    period = parsed.get("period") or {}
    base = plan_import.base_plan
    if base is not None:
        # Locked and checked again: two revisions of one version must not both come into force.
        base = Plan.objects.select_for_update().get(pk=base.pk)
        if base.status != PlanStatus.ACTIVE:
            raise ValidationError({"base_plan": _("Only the version in force can be revised.")})
    plan = Plan(
        organization=plan_import.organization, title=(parsed.get("title") or plan_import.source_name or "")[:300],
        issuer=(parsed.get("issuer") or "")[:200], doc_number=(parsed.get("doc_number") or "")[:100],
        issued_on=_date(parsed.get("issued_on")), period_start=_date(period.get("start")),
        period_end=_date(period.get("end")), source_name=plan_import.source_name, source_text=plan_import.source_text,
        created_by=by, version=(base.version + 1) if base else 1, previous=base,
    )
    if not plan.title:
        raise ValidationError({"title": _("The plan needs a title.")})
    if plan_import.source_file:
        plan.source_file.name = plan_import.source_file.name
    plan.full_clean(exclude=["source_file"])
    plan.save()
    _create_items(plan, parsed["items"], plan_import.unit_mapping, organizations)
    if base is not None:
        Plan.objects.filter(pk=base.pk).update(status=PlanStatus.SUPERSEDED)
    # The new tasks get their lights at once (for the statistics date), and the superseded
    # version's leave the dashboards, instead of waiting for the next daily refresh.
    from kexie.tracking.services import plan_tasks_refresh

    plan_tasks_refresh(plan=plan, superseded=base)
    plan_import.status, plan_import.plan = ImportStatus.CONFIRMED, plan
    plan_import.save(update_fields=["status", "plan", "updated_at"])
    audit_record(action="import", by=by, obj=plan, new={
        "items": len(parsed["items"]), "version": plan.version, "previous": base.pk if base else None,
        "source": plan.source_name})
    return plan


def _create_items(plan: Plan, items: list[dict], mapping: dict, organizations: dict) -> None:
    by_key: dict[str, PlanItem] = {}
    rows: list[tuple[PlanItem, dict]] = []
    for position, data in enumerate(items, start=1):
        key = str(data["key"])
        parent = by_key.get(key.rpartition(".")[0]) if "." in key else None
        span = data.get("span") or [None, None]
        item = PlanItem(
            plan=plan, parent=parent, key=key, position=position, depth=key.count(".") + 1,
            marker=(data.get("marker") or "")[:20], kind=data["kind"], title=data["title"][:500],
            text=data.get("text") or "", due=_date(data.get("due")), span_start=span[0], span_end=span[1],
        )
        by_key[key] = item
        rows.append((item, data))
    # Parents before children: one insert per level, each child picking up its parent's new id.
    for depth in sorted({item.depth for item, _data in rows}):
        PlanItem.objects.bulk_create([item for item, _data in rows if item.depth == depth])
    targets, assignments = [], []
    for item, data in rows:
        for position, t in enumerate(data.get("targets") or []):
            targets.append(Target(
                item=item, position=position, text=(t.get("text") or "")[:300], metric=(t.get("metric") or "")[:200],
                verb=(t.get("verb") or "")[:20], min_value=_decimal(t.get("min")), max_value=_decimal(t.get("max")),
                unit=(t.get("unit") or "")[:20], due=_date(t.get("due")) or item.due))
        for role, field in ((AssignmentRole.LEAD, "lead_units"), (AssignmentRole.CO, "co_units")):
            for unit in dict.fromkeys(data.get(field) or []):
                org_id = (mapping.get(unit) or {}).get("organization")
                assignments.append(Assignment(item=item, role=role, unit_name=unit[:200],
                                              organization=organizations.get(org_id)))
    Target.objects.bulk_create(targets)
    Assignment.objects.bulk_create(assignments)


def assignable_organizations(*, user, owner: Organization):
    """Organisations a unit string of ``owner``'s plan may be mapped to: within the user's scope,
    and near the owner (its own departments and subordinate units two levels down, its ancestors'
    departments) — the places lead units of a plan come from."""
    near = OrganizationClosure.objects.filter(ancestor=owner, depth__lte=2).values("descendant_id")
    ancestors = OrganizationClosure.objects.filter(descendant=owner).values("ancestor_id")
    visible = Organization.objects.restrict(user, "org.view")
    return visible.filter(pk__in=near) | visible.filter(parent_id__in=ancestors)


@transaction.atomic
def target_set_measure(*, by, target_id: int, measure: str) -> Target:
    """Link a target to a registry measure (kexie.plans.measures), or unlink it with "": from then
    on the task page shows the registry's count next to the reported actuals."""
    from . import measures

    with transaction.atomic():
        target = (Target.objects.select_for_update()
                  .filter(pk=target_id, item__in=PlanItem.objects.restrict(by, "plan.change")).first())
        if target is None:
            raise ValidationError(_("No such target among the plans you may edit."))
        measure = (measure or "").strip()
        if measure and measures.get(measure) is None:
            raise ValidationError({"measure": _("Counted from: “%(code)s” is not a measure of the platform.")
                                   % {"code": measure}})
        old = target.measure
        if old != measure:
            target.measure = measure
            target.save(update_fields=["measure"])
            audit_record(action="update", by=by, obj=target, old={"measure": old}, new={"measure": measure})
    return target


def plan_export_json(*, by, plan: Plan) -> dict:
    """The plan as a kexie.plan/1 document for download; the export is audited."""
    from .selectors import plan_to_json  # selectors import this module's FORMAT

    data = plan_to_json(plan)
    audit_record(action="export", by=by, obj=plan, new={"format": FORMAT, "items": len(data["items"])})
    return data
