"""Changing person records and expert libraries. Each function checks the permission code and
the data scope, runs in one transaction and writes its audit row in it; a refusal is a
PermissionDenied (no code), Http404 (outside the scope) or ValidationError naming the field.

Personal data never enters an audit row in clear: phone, e-mail and ID number are written masked.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record, audit_record_many, diff_values
from kexie.core.masking import mask_email, mask_id_number, mask_phone
from kexie.core.validators import is_valid_id_number
from kexie.organizations.models import Organization

from . import codes
from .dedupe import fold
from .models import (
    EntryStatus,
    ExpertEntry,
    ExpertLibrary,
    Gender,
    Honour,
    PerformanceReview,
    Person,
    PersonMerge,
    PersonRelation,
    Position,
    RelationKind,
    Work,
)

PERSON_FIELDS = ("name", "gender", "birth_date", "id_number", "phone", "email", "title", "disciplines", "industries",
                 "region_code", "city")
ENTRY_FIELDS = ("categories", "keywords", "avoidances")
PERSONAL = {"phone": mask_phone, "email": mask_email, "id_number": mask_id_number}


class ImportRejected(Exception):
    """Rows did not pass validation at confirmation time; nothing was saved."""

    def __init__(self, results):
        super().__init__("import rows have errors")
        self.results = results


# --- validation -------------------------------------------------------------------------------------

def _text_list(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.replace("；", ";").replace("，", ";").replace(",", ";").replace("、", ";").split(";")
    seen = []
    for item in value:
        item = str(item).strip()
        if item and item not in seen:
            seen.append(item)
    return seen


def clean_person_data(data: dict) -> dict:
    """The person fields of ``data`` checked and normalised; a ValidationError names each bad field."""
    errors, clean = {}, {}
    for field in PERSON_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field in ("disciplines", "industries"):
            items = _text_list(value)
            to_code = codes.discipline_from_text if field == "disciplines" else codes.industry_from_text
            found = [to_code(item) for item in items]
            bad = [item for item, code in zip(items, found) if not code]
            if bad:
                errors[field] = (_("Unknown discipline code: %(codes)s (GB/T 13745).") if field == "disciplines"
                                 else _("Unknown industry code: %(codes)s (GB/T 4754).")) % {"codes": "、".join(bad)}
            clean[field] = list(dict.fromkeys(found))
            continue
        if field == "birth_date":
            if value in (None, ""):
                clean[field] = None
            elif isinstance(value, dt.datetime):
                clean[field] = value.date()
            elif isinstance(value, dt.date):
                clean[field] = value
            else:
                try:
                    clean[field] = dt.date.fromisoformat(str(value).strip().replace("/", "-").replace(".", "-"))
                except ValueError:
                    errors[field] = _("A date is written as 1980-05-01.")
            continue
        value = "" if value is None else str(value).strip()
        if field == "name":
            if not value:
                errors[field] = _("The name is required.")
            elif len(value) > 50:
                errors[field] = _("The name is longer than 50 characters.")
        elif field == "gender" and value:
            labels = {"男": Gender.MALE, "女": Gender.FEMALE, "male": Gender.MALE, "female": Gender.FEMALE}
            value = labels.get(value.lower(), value)
            if value not in Gender.values:
                errors[field] = _("The gender is 男 or 女.")
        elif field == "id_number" and value:
            value = value.upper()
            if not is_valid_id_number(value):
                errors[field] = _("Not a valid ID card number (18 characters, check digit must match).")
        elif field == "phone" and value:
            if not all(c.isdigit() or c in "+- ()" for c in value) or sum(c.isdigit() for c in value) < 7:
                errors[field] = _("A phone number is written in digits, e.g. 13812345678 or 0371-65901234.")
        elif field == "email" and value:
            try:
                validate_email(value)
            except ValidationError:
                errors[field] = _("Enter a valid e-mail address.")
        elif field == "region_code" and value:
            code = codes.province_from_text(value)
            if not code:
                errors[field] = _("Unknown province: %(value)s.") % {"value": value}
            value = code
        clean[field] = value
    if errors:
        raise ValidationError(errors)
    return clean


def person_snapshot(person: Person) -> dict:
    """The person's fields as an audit row stores them: personal data masked."""
    return {
        "name": person.name, "gender": person.gender,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "id_number": person.masked_id_number, "phone": person.masked_phone, "email": person.masked_email,
        "title": person.title, "disciplines": list(person.disciplines), "industries": list(person.industries),
        "region_code": person.region_code, "city": person.city,
    }


def _apply(person: Person, clean: dict) -> None:
    for field, value in clean.items():
        if field == "id_number":
            if value != (person.id_number if person.id_number_encrypted else ""):
                person.set_id_number(value)
        else:
            setattr(person, field, value)
    person.refresh_keys()


def _set_positions(person: Person, positions) -> None:
    person.positions.all().delete()
    for item in positions or []:
        org = item.get("organization")
        unit_name = (item.get("unit_name") or "").strip()
        if org is None and not unit_name:
            continue
        Position.objects.create(person=person, organization=org, unit_name="" if org else unit_name[:200],
                                role=(item.get("role") or "").strip()[:100])


def _set_honours(person: Person, honours) -> None:
    person.honours.all().delete()
    for item in honours or []:
        name = (item.get("name") or "").strip()
        if name:
            Honour.objects.create(person=person, name=name[:200], year=item.get("year") or None)


def _person(by, person, code: str) -> Person:
    _require(by, code)
    return access_object(Person.objects.current(), by, code, pk=getattr(person, "pk", person))


def _organization(by, organization, code: str) -> Organization:
    return access_object(Organization, by, code, pk=getattr(organization, "pk", organization))


# --- persons ----------------------------------------------------------------------------------------

def person_create(*, by, organization: Organization, data: dict, positions=(), honours=()) -> Person:
    """Create a person record kept by ``organization`` (inside ``by``'s scope)."""
    _require(by, "person.manage")
    organization = _organization(by, organization, "person.manage")
    clean = clean_person_data({"name": "", **data})
    with transaction.atomic():
        person = Person(organization=organization, created_by=by if getattr(by, "pk", None) else None)
        _apply(person, clean)
        person.save()
        _set_positions(person, positions)
        _set_honours(person, honours)
        audit_record(action="create", by=by, obj=person, new={
            **person_snapshot(person), "organization": organization.pk,
            "positions": [str(p) for p in person.positions.all()], "honours": [str(h) for h in person.honours.all()]})
    return person


def person_update(*, by, person: Person, data: dict, positions=None, honours=None) -> Person:
    """Change a person's fields; ``positions`` / ``honours`` (lists of dicts) replace the old ones when given."""
    clean = clean_person_data(data)
    with transaction.atomic():
        person = _person(by, person, "person.manage")
        person = Person.objects.select_for_update().get(pk=person.pk)
        old = {**person_snapshot(person), "positions": [str(p) for p in person.positions.all()],
               "honours": [str(h) for h in person.honours.all()]}
        _apply(person, clean)
        person.save()
        if positions is not None:
            _set_positions(person, positions)
        if honours is not None:
            _set_honours(person, honours)
        new = {**person_snapshot(person), "positions": [str(p) for p in person.positions.all()],
               "honours": [str(h) for h in person.honours.all()]}
        before, after = diff_values(old, new)
        if after:
            audit_record(action="update", by=by, obj=person, old=before, new=after)
    return person


def person_unmask(*, by, person: Person, field: str) -> str:
    """One personal-data field of ``person`` in clear, with the audit row that says who saw it."""
    person = _person(by, person, "pii.unmask")
    if field not in PERSONAL:
        raise ValidationError({"field": _("Unknown field.")})
    with transaction.atomic():
        audit_record(action="unmask", by=by, obj=person, detail=field)
    return getattr(person, field)


def relation_add(*, by, person: Person, other: Person, kind: str, note: str = "") -> PersonRelation:
    """Declare a relation (亲属/师生/同一团队/其他) between two persons of ``by``'s scope."""
    if kind not in RelationKind.values:
        raise ValidationError({"kind": _("Choose a relation.")})
    with transaction.atomic():
        person = _person(by, person, "person.manage")
        other = _person(by, other, "person.view")
        if person.pk == other.pk:
            raise ValidationError({"other": _("A person cannot be related to themselves.")})
        relation = PersonRelation.objects.create(person=person, other=other, kind=kind, note=(note or "")[:200])
        audit_record(action="create", by=by, obj=relation, new={"person": person.pk, "other": other.pk,
                                                                 "kind": kind, "note": relation.note})
    return relation


def persons_import(*, by, organization: Organization, rows: list[dict], filename: str = "") -> list[Person]:
    """Save the rows of a checked import (see :mod:`kexie.people.importers`) in one transaction.

    The rows are checked again; if any has an error nothing is saved (ImportRejected). Exact
    duplicates are skipped; possible duplicates are saved and then show among the duplicate
    pairs for a reviewed merge.
    """
    from .importers import validate_rows

    _require(by, "person.manage")
    organization = _organization(by, organization, "person.manage")
    results = validate_rows(rows, by=by)
    if any(r.errors for r in results):
        raise ImportRejected(results)
    kept = [r for r in results if r.kind != "exact"]
    created_by = by if getattr(by, "pk", None) else None
    # Written in bulk (thousands of rows in one file), each record with its own audit row as
    # person_create writes it.
    with transaction.atomic():
        created = []
        for result in kept:
            person = Person(organization=organization, created_by=created_by)
            _apply(person, result.data)
            created.append(person)
        Person.objects.bulk_create(created, batch_size=500)
        positions, honours = [], []
        for person, result in zip(created, kept):
            mine = [Position(person=person, organization=None, unit_name=item["unit_name"].strip()[:200],
                             role=(item.get("role") or "").strip()[:100])
                    for item in result.positions if (item.get("unit_name") or "").strip()]
            theirs = [Honour(person=person, name=item["name"].strip()[:200], year=item.get("year") or None)
                      for item in result.honours if (item.get("name") or "").strip()]
            positions += mine
            honours += theirs
            person._import_audit = {**person_snapshot(person), "organization": organization.pk,
                                    "positions": [str(p) for p in mine], "honours": [str(h) for h in theirs]}
        Position.objects.bulk_create(positions, batch_size=500)
        Honour.objects.bulk_create(honours, batch_size=500)
        audit_record_many([{"action": "create", "obj": person, "new": person._import_audit} for person in created],
                          by=by)
        audit_record(action="import", by=by, obj=organization, detail=filename[:200], new={
            "rows": len(results), "created": len(created),
            "skipped": sum(1 for r in results if r.kind == "exact")})
    return created


# --- merge and undo ------------------------------------------------------------------------------

# Every reference to a person that a merge moves: (model, field). A later model that points at
# Person adds a line here, and merge/undo move its rows too.
def merge_references():
    from django.apps import apps

    nomination = apps.get_model("awards", "Nomination")
    return [(ExpertEntry, "person"), (PersonRelation, "person"), (PersonRelation, "other"),
            (Work.coauthor_persons.through, "person"), (nomination, "nominee"),
            (nomination.recommenders.through, "person"), (apps.get_model("awards", "FollowUp"), "person")]


def _raw_fields(person: Person) -> dict:
    return {"name": person.name, "gender": person.gender,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "id_number_encrypted": person.id_number_encrypted, "id_number_digest": person.id_number_digest,
            "phone": person.phone, "email": person.email, "title": person.title,
            "disciplines": list(person.disciplines), "industries": list(person.industries),
            "region_code": person.region_code, "city": person.city}


MERGE_FIELDS = ("name", "gender", "birth_date", "id_number", "phone", "email", "title", "disciplines", "industries",
                "region_code", "city")


def person_merge(*, by, kept: Person, absorbed: Person, choose: dict | None = None) -> PersonMerge:
    """Merge ``absorbed`` into ``kept``: each field from the record ``choose[field]`` names
    ("kept" by default, or "absorbed"); positions and honours unioned; references moved. The
    absorbed record stays, hidden, pointing at the kept one, so :func:`merge_undo` can restore both.
    """
    choose = choose or {}
    bad = {f for f, side in choose.items() if f not in MERGE_FIELDS or side not in ("kept", "absorbed")}
    if bad:
        raise ValidationError({"choose": _("Unknown fields to merge: %(fields)s") % {"fields": ", ".join(sorted(bad))}})
    with transaction.atomic():
        kept = _person(by, kept, "person.manage")
        absorbed = _person(by, absorbed, "person.manage")
        if kept.pk == absorbed.pk:
            raise ValidationError(_("A record cannot be merged with itself."))
        kept, absorbed = (Person.objects.select_for_update().get(pk=p.pk) for p in (kept, absorbed))
        before = _raw_fields(kept)
        old_view = person_snapshot(kept)
        source = _raw_fields(absorbed)
        for field in MERGE_FIELDS:
            if choose.get(field) != "absorbed":
                continue
            if field == "id_number":
                kept.id_number_encrypted = source["id_number_encrypted"]
                kept.id_number_digest = source["id_number_digest"]
            elif field == "birth_date":
                kept.birth_date = absorbed.birth_date
            else:
                setattr(kept, field, source[field])
        if kept.account_id and absorbed.account_id and kept.account_id != absorbed.account_id:
            raise ValidationError(_("Both records are linked to platform accounts: unlink one before merging."))
        kept.refresh_keys()
        kept.save()
        moved: dict[str, list] = {"positions_copied": [], "honours_copied": []}
        if absorbed.account_id and not kept.account_id:  # the account follows the human to the kept record
            Person.objects.filter(pk=absorbed.pk).update(account=None)
            Person.objects.filter(pk=kept.pk).update(account=absorbed.account_id)
            moved["account"] = [absorbed.account_id]
            absorbed.account_id = None
        have = {(fold(p.unit), fold(p.role)) for p in kept.positions.all()}
        for p in absorbed.positions.all():
            if (fold(p.unit), fold(p.role)) not in have:
                copy = Position.objects.create(person=kept, organization=p.organization, unit_name=p.unit_name,
                                               role=p.role)
                moved["positions_copied"].append(copy.pk)
        have = {(fold(h.name), h.year) for h in kept.honours.all()}
        for h in absorbed.honours.all():
            if (fold(h.name), h.year) not in have:
                moved["honours_copied"].append(Honour.objects.create(person=kept, name=h.name, year=h.year).pk)
        for model, field in merge_references():
            rows = model.objects.filter(**{field: absorbed})
            if model is ExpertEntry:  # one entry per person and library: the kept record's stays
                rows = rows.exclude(library__in=ExpertEntry.objects.filter(person=kept).values("library"))
            elif model is Work.coauthor_persons.through:
                rows = rows.exclude(work__in=model.objects.filter(person=kept).values("work"))
            elif model._meta.label_lower == "awards.nomination_recommenders":
                rows = rows.exclude(nomination__in=model.objects.filter(person=kept).values("nomination"))
            elif model is PersonRelation:
                rows = rows.exclude(**{("other" if field == "person" else "person"): kept})
            ids = list(rows.values_list("pk", flat=True))
            if ids:
                model.objects.filter(pk__in=ids).update(**{field: kept})
                moved[f"{model._meta.label_lower}.{field}"] = ids
        absorbed.merged_into = kept
        absorbed.save(update_fields=["merged_into", "updated_at"])
        merge = PersonMerge.objects.create(kept=kept, absorbed=absorbed, before=before, moved=moved,
                                           merged_by=by if getattr(by, "pk", None) else None)
        after_view = person_snapshot(kept)
        old, new = diff_values(old_view, after_view)
        audit_record(action="merge", by=by, obj=kept, old=old, new={
            **new, "absorbed": absorbed.pk, "moved": {k: len(v) for k, v in moved.items()}})
    return merge


def merge_undo(*, by, merge: PersonMerge) -> PersonMerge:
    """Undo a merge: the kept record's fields as they were, the copied positions and honours
    removed, the moved references moved back, the absorbed record current again. Only the latest
    merge touching either record can be undone."""
    _require(by, "person.manage")
    with transaction.atomic():
        merge = access_object(PersonMerge.objects.select_for_update(), by, "person.manage", pk=merge.pk)
        if merge.undone_at:
            raise ValidationError(_("This merge has already been undone."))
        later = PersonMerge.objects.filter(undone_at__isnull=True, pk__gt=merge.pk).filter(
            kept__in=[merge.kept_id, merge.absorbed_id]).exists() or PersonMerge.objects.filter(
            undone_at__isnull=True, pk__gt=merge.pk, absorbed__in=[merge.kept_id, merge.absorbed_id]).exists()
        if later:
            raise ValidationError(_("A later merge involves these records; undo it first."))
        kept = Person.objects.select_for_update().get(pk=merge.kept_id)
        absorbed = Person.objects.select_for_update().get(pk=merge.absorbed_id)
        old_view = person_snapshot(kept)
        for field, value in merge.before.items():
            if field == "birth_date":
                value = dt.date.fromisoformat(value) if value else None
            setattr(kept, field, value)
        kept.refresh_keys()
        kept.save()
        if merge.moved.get("account"):
            Person.objects.filter(pk=kept.pk).update(account=None)
            Person.objects.filter(pk=absorbed.pk).update(account=merge.moved["account"][0])
            absorbed.account_id = merge.moved["account"][0]
        Position.objects.filter(pk__in=merge.moved.get("positions_copied", []), person=kept).delete()
        Honour.objects.filter(pk__in=merge.moved.get("honours_copied", []), person=kept).delete()
        for model, field in merge_references():
            ids = merge.moved.get(f"{model._meta.label_lower}.{field}")
            if ids:
                model.objects.filter(pk__in=ids).update(**{field: absorbed})
        absorbed.merged_into = None
        absorbed.save(update_fields=["merged_into", "updated_at"])
        merge.undone_at = timezone.now()
        merge.save(update_fields=["undone_at"])
        old, new = diff_values(old_view, person_snapshot(kept))
        audit_record(action="unmerge", by=by, obj=kept, old=old, new={**new, "absorbed": absorbed.pk})
    return merge


# --- platform accounts ------------------------------------------------------------------------------

def _account_by_address(address: str):
    """The active account an e-mail address, mobile number or user name names, or None: an
    external account by its address, any account by its user name."""
    from django.contrib.auth import get_user_model

    from kexie.accounts.public import external_account_for

    address = "".join((address or "").split())
    if not address:
        return None
    user_model = get_user_model()
    account = external_account_for(address.lower() if "@" in address else address)
    if account is None:
        account = user_model.objects.filter(username__iexact=address).order_by("pk").first()
    return account if account is not None and account.is_active else None


def _current_person(person: Person) -> Person:
    """The record a merged record now lives in (the end of its ``merged_into`` chain)."""
    seen = set()
    while person.merged_into_id and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def person_link_account(*, by, person: Person, address: str) -> Person:
    """Link the person to their existing platform account, found by its e-mail address, mobile
    number or user name; refused when there is none or it belongs to another person already."""
    with transaction.atomic():
        person = _person(by, person, "person.manage")
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.account_id:
            raise ValidationError({"address": _("This person is already linked to an account: unlink it first.")})
        account = _account_by_address(address)
        if account is None:
            raise ValidationError({"address": _("No active account has this e-mail address, mobile number or "
                                                "user name.")})
        if Person.objects.filter(account=account).exists():
            raise ValidationError({"address": _("This account is already linked to another person record.")})
        person.account, person.account_invitation = account, None
        person.save(update_fields=["account", "account_invitation", "updated_at"])
        audit_record(action="update", by=by, obj=person, old={"account": None}, new={"account": account.pk},
                     detail="account linked")
    return person


def person_unlink_account(*, by, person: Person) -> Person:
    """Undo the link between the person and their account (the account itself stays)."""
    with transaction.atomic():
        person = _person(by, person, "person.manage")
        person = Person.objects.select_for_update().get(pk=person.pk)
        if not person.account_id and not person.account_invitation_id:
            raise ValidationError(_("This person is not linked to an account."))
        old = person.account_id
        person.account, person.account_invitation = None, None
        person.save(update_fields=["account", "account_invitation", "updated_at"])
        audit_record(action="update", by=by, obj=person, old={"account": old}, new={"account": None},
                     detail="account unlinked")
    return person


def person_invite_account(*, by, person: Person, request=None):
    """Invite the person to open an external account (at their e-mail address, else their mobile
    number); the account is linked to the person when the invitation is accepted. Needs
    ``person.manage`` and ``external.invite``."""
    from kexie.accounts.public import invitation_create

    _require(by, "external.invite")
    with transaction.atomic():
        person = _person(by, person, "person.manage")
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.account_id:
            raise ValidationError(_("This person is already linked to an account."))
        address = person.email or person.phone
        if not address:
            raise ValidationError(_("The person record has no e-mail address or mobile number to send the "
                                    "invitation to."))
        try:
            invited = invitation_create(by=by, address=address, full_name=person.name, request=request)
        except ValidationError as error:
            messages = error.message_dict.get("address", error.messages) if hasattr(error, "error_dict") \
                else error.messages
            raise ValidationError(_("The invitation cannot be sent: %(reason)s")
                                  % {"reason": "；".join(messages)}) from None
        person.account_invitation = invited.invitation
        person.save(update_fields=["account_invitation", "updated_at"])
        audit_record(action="update", by=by, obj=person, new={"account_invitation": invited.invitation.pk},
                     detail="account invitation sent")
    return invited


def link_invited_account(*, invitation, account) -> Person | None:
    """Link the account just opened from ``invitation`` to the person it was sent for (called
    inside the acceptance's transaction, see :data:`kexie.accounts.public.invitation_accepted`);
    the new account is the actor of the audit row. None when no person waits for it."""
    person = Person.objects.select_for_update().filter(account_invitation=invitation, account__isnull=True).first()
    if person is None:
        return None
    person = _current_person(person)
    if person.account_id or Person.objects.filter(account=account).exists():
        return None
    person.account = account
    person.save(update_fields=["account", "updated_at"])
    audit_record(action="update", by=account, obj=person, old={"account": None}, new={"account": account.pk},
                 detail=f"account linked on accepting invitation {invitation.pk}")
    return person


def _on_invitation_accepted(sender, *, invitation, account, **kwargs):
    link_invited_account(invitation=invitation, account=account)


# --- expert libraries -------------------------------------------------------------------------------

def library_of(organization: Organization) -> ExpertLibrary:
    """The organisation's expert library, created on first use (no audit: it holds nothing yet)."""
    library, _created = ExpertLibrary.objects.get_or_create(
        organization=organization, defaults={"name": f"{organization.short_name or organization.name}专家库"})
    return library


def _entry(by, entry, code="expert.manage") -> ExpertEntry:
    _require(by, code)
    return access_object(ExpertEntry.objects.select_related("person", "library"), by, code,
                         pk=getattr(entry, "pk", entry))


def entry_snapshot(entry: ExpertEntry) -> dict:
    return {"library": entry.library_id, "person": entry.person_id, "categories": list(entry.categories),
            "keywords": list(entry.keywords), "avoidances": list(entry.avoidances), "status": entry.status,
            "status_reason": entry.status_reason,
            "status_date": entry.status_date.isoformat() if entry.status_date else None}


def entry_add(*, by, organization: Organization, person: Person, data: dict | None = None) -> ExpertEntry:
    """Put a person into the expert library of ``organization``."""
    _require(by, "expert.manage")
    organization = _organization(by, organization, "expert.manage")
    person = _person(by, person, "person.view")
    library = library_of(organization)
    if ExpertEntry.objects.filter(library=library, person=person).exists():
        raise ValidationError({"person": _("%(name)s is already in this library.") % {"name": person.name}})
    data = data or {}
    with transaction.atomic():
        entry = ExpertEntry(library=library, person=person, status_date=timezone.localdate(),
                            **{f: _text_list(data.get(f)) for f in ENTRY_FIELDS})
        entry.refresh_search_text()
        entry.save()
        audit_record(action="create", by=by, obj=entry, new=entry_snapshot(entry))
    return entry


def entry_update(*, by, entry: ExpertEntry, data: dict) -> ExpertEntry:
    """Change an entry's categories, keywords and avoidances."""
    with transaction.atomic():
        entry = _entry(by, entry)
        old = entry_snapshot(entry)
        for field in ENTRY_FIELDS:
            if field in data:
                setattr(entry, field, _text_list(data[field]))
        entry.refresh_search_text()
        entry.save()
        before, after = diff_values(old, entry_snapshot(entry))
        if after:
            audit_record(action="update", by=by, obj=entry, old=before, new=after)
    return entry


def entry_set_status(*, by, entry: ExpertEntry, status: str, reason: str = "", date: dt.date | None = None):
    """在库 / 暂停 / 退库, with a reason (required unless back in the library) and a date."""
    if status not in EntryStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status != EntryStatus.ACTIVE and not (reason or "").strip():
        raise ValidationError({"status_reason": _("Give the reason for suspending or withdrawing.")})
    with transaction.atomic():
        entry = _entry(by, entry)
        old = entry_snapshot(entry)
        entry.status, entry.status_reason = status, (reason or "").strip()[:200]
        entry.status_date = date or timezone.localdate()
        entry.save()
        before, after = diff_values(old, entry_snapshot(entry))
        audit_record(action="status", by=by, obj=entry, old=before, new=after)
    return entry


def works_add(*, by, entry: ExpertEntry, works: list[dict], source: str = "") -> list[Work]:
    """Add works (``{"title", "year", "authors", "venue"}``) to an entry; a co-author whose folded
    name is that of exactly one person of the scope is linked to the person record."""
    with transaction.atomic():
        entry = _entry(by, entry)
        names = {fold(a) for w in works for a in w.get("authors", [])}
        index: dict[str, list[int]] = {}
        for pk, key in Person.objects.current().restrict(by, "person.view").filter(
                name_key__in=names).values_list("pk", "name_key"):
            index.setdefault(key, []).append(pk)
        created = []
        for item in works:
            title = (item.get("title") or "").strip()
            if not title:
                continue
            authors = [a for a in item.get("authors", []) if fold(a) != entry.person.name_key]
            work = Work.objects.create(entry=entry, title=title[:500], year=item.get("year") or None,
                                       coauthors=authors, venue=(item.get("venue") or "")[:300])
            links = [index[fold(a)][0] for a in authors if len(index.get(fold(a), [])) == 1]
            if links:
                work.coauthor_persons.set([pk for pk in links if pk != entry.person_id])
            created.append(work)
        audit_record(action="import", by=by, obj=entry, detail=source[:200], new={"works": len(created)})
    return created


def review_add(*, by, entry: ExpertEntry, date: dt.date, service: str, rating: int, comment: str = "",
               reviewer_name: str = "") -> PerformanceReview:
    """Record a review of the expert's service (履职评价), rating 1–5."""
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("The rating is a whole number from 1 to 5.")})
    if not (service or "").strip():
        raise ValidationError({"service": _("Name the service reviewed.")})
    with transaction.atomic():
        entry = _entry(by, entry)
        review = PerformanceReview.objects.create(
            entry=entry, date=date, service=service.strip()[:200], rating=rating, comment=comment or "",
            reviewer=by if getattr(by, "pk", None) else None,
            reviewer_name=(reviewer_name or getattr(by, "full_name", "") or "")[:50])
        audit_record(action="create", by=by, obj=review, new={
            "date": date.isoformat(), "service": review.service, "rating": rating})
    return review
