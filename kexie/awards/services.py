"""Award calls, channels, nominations, the formal check, the review through the panels engine,
winners and 托举 follow-up reports. Each state change is one transaction with its audit row.

Running a call needs ``award.manage`` in the call's organisation; nominating needs
``award.nominate`` in the channel's organisation, which keeps the nominee's person record (the
nominate service creates it when needed, audited, without ``person.manage``). The review itself — conflicts, panel, assignment,
scores, notice, objections — is done with :mod:`kexie.panels.services` on the call's round.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.core import crypto
from kexie.core.uploads import check_upload
from kexie.organizations.models import Organization
from kexie.panels import services as panels
from kexie.panels.models import Decision, Outcome, RoundStatus
from kexie.panels.selectors import ranking
from kexie.people import services as people
from kexie.people.models import Person

from . import rules as rule_engine
from .selectors import calls_for, eligibility_reasons
from .models import (AwardCall, CallKind, CallStatus, Channel, FollowUp, Material, Nomination,
                     NominationStatus)

MANAGE = "award.manage"
NOMINATE = "award.nominate"
MATERIAL_TYPES = {"pdf", "docx", "xlsx", "txt", "png", "jpg", "jpeg"}


def _call(by, call, *, lock: bool = True) -> AwardCall:
    _require(by, MANAGE)
    queryset = AwardCall.objects.select_related("organization")
    if lock:
        queryset = queryset.select_for_update()
    return access_object(queryset, by, MANAGE, pk=getattr(call, "pk", call))


def _status(call: AwardCall, *allowed: str) -> None:
    if call.status not in allowed:
        raise ValidationError(_("This cannot be done while the call is “%(status)s”.") % {"status": call.get_status_display()})


def _move(by, call: AwardCall, status: str) -> None:
    old = call.status
    call.status = status
    call.save(update_fields=["status"])
    audit_record(action="status", by=by, obj=call, old={"status": old}, new={"status": status})


def call_snapshot(call: AwardCall) -> dict:
    return {"organization": call.organization_id, "kind": call.kind, "title": call.title, "year": call.year,
            "opens_on": call.opens_on, "closes_on": call.closes_on, "status": call.status, "rules": call.rules}


# --- calls and channels ---------------------------------------------------------------------------

def call_create(*, by, organization: Organization, data: dict) -> AwardCall:
    """Create a call (draft) kept by ``organization``: kind, title, year, dates, eligibility rules."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=getattr(organization, "pk", organization))
    title = str(data.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": _("Enter the title of the call.")})
    kind = data.get("kind") or CallKind.OTHER
    if kind not in CallKind.values:
        raise ValidationError({"kind": _("Choose the kind of award.")})
    try:
        year = int(data.get("year"))
    except (TypeError, ValueError):
        raise ValidationError({"year": _("Enter the year, e.g. 2026.")}) from None
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        raise ValidationError({"closes_on": _("The closing date cannot be before the opening date.")})
    try:
        rules = rule_engine.clean_rules(data.get("rules"))
    except ValueError as error:
        raise ValidationError({"rules": str(error)}) from None
    with transaction.atomic():
        call = AwardCall.objects.create(organization=organization, kind=kind, title=title[:200], year=year,
                                        opens_on=opens_on, closes_on=closes_on, rules=rules, created_by=by)
        audit_record(action="create", by=by, obj=call, new=call_snapshot(call))
    return call


def channel_set(*, by, call: AwardCall, organization: Organization, quota: int, kind: str = "") -> Channel:
    """Make ``organization`` a nominating channel of the call with ``quota`` places, or change its quota."""
    try:
        quota = int(quota)
    except (TypeError, ValueError):
        quota = -1
    if not 1 <= quota <= 1000:
        raise ValidationError({"quota": _("The quota is a whole number from 1 to 1000.")})
    with transaction.atomic():
        call = _call(by, call)
        _status(call, CallStatus.DRAFT, CallStatus.OPEN)
        organization = Organization.objects.get(pk=getattr(organization, "pk", organization))
        channel = Channel.objects.filter(call=call, organization=organization).first()
        old = {"quota": channel.quota, "kind": channel.kind} if channel else None
        if channel and quota < channel.nominations.count():
            raise ValidationError({"quota": _("“%(org)s” has already nominated %(n)s; the quota cannot be lower.") % {"org": organization, "n": channel.nominations.count()}})
        channel, _created = Channel.objects.update_or_create(call=call, organization=organization, defaults={
            "quota": quota, "kind": str(kind or "")[:30]})
        audit_record(action="update" if old else "create", by=by, obj=channel, old=old,
                     new={"call": call.pk, "organization": organization.pk, "quota": quota, "kind": channel.kind})
    return channel


def call_open(*, by, call: AwardCall) -> AwardCall:
    """Open a draft call for nominations; it needs at least one channel."""
    with transaction.atomic():
        call = _call(by, call)
        _status(call, CallStatus.DRAFT)
        if not call.channels.exists():
            raise ValidationError(_("Set the nominating channels and their quotas first."))
        _move(by, call, CallStatus.OPEN)
    return call


# --- nominations ----------------------------------------------------------------------------------

def _persons_for(by):
    """The person records a nominator may name: those kept in their nominating scope, and any
    record they may see anyway."""
    current = Person.objects.current()
    return current.restrict(by, NOMINATE) | current.restrict(by, "person.view")


def _nominee_create(by, organization, data: dict) -> Person:
    """A person record kept by the nominating ``organisation``, created for a nomination: the
    people module's field checks, its own audit row. ``award.nominate`` is enough here, since
    the nominee is kept by the organisation that nominates them."""
    positions = data.pop("positions", ())
    clean = people.clean_person_data({"name": "", **data})
    person = Person(organization=organization, created_by=by)
    people._apply(person, clean)
    person.save()
    people._set_positions(person, positions)
    audit_record(action="create", by=by, obj=person, detail="nomination", new={
        **people.person_snapshot(person), "organization": organization.pk,
        "positions": [str(p) for p in person.positions.all()]})
    return person


def _find_or_create(by, organization, value) -> Person:
    """A person given as a record (must be visible) or as data: an exact duplicate by ID number
    among the records ``by`` may name is reused, otherwise a record is created, kept by
    ``organization``."""
    if isinstance(value, Person) or isinstance(value, int):
        person = _persons_for(by).filter(pk=getattr(value, "pk", value)).first()
        if person is None:
            raise Http404
        return person
    data = dict(value or {})
    id_number = str(data.get("id_number") or "").strip().upper()
    if id_number:
        found = _persons_for(by).filter(id_number_digest=crypto.digest(id_number)).first()
        if found:
            return found
    return _nominee_create(by, organization, data)


def nominate(*, by, call: AwardCall, organization: Organization, nominee, recommenders=(), materials=(),
             summary: str = "") -> Nomination:
    """Nominate ``nominee`` (a Person or person data) through ``organization``'s channel of the call.

    Refused when the organisation is no channel of the call, when the channel's quota is used up,
    when the call is not open or the nominee already nominated; nothing is saved then."""
    _require(by, NOMINATE)
    organization = access_object(Organization, by, NOMINATE, pk=getattr(organization, "pk", organization))
    with transaction.atomic():
        if not calls_for(by, NOMINATE).filter(pk=getattr(call, "pk", call)).exists():
            raise Http404
        call = AwardCall.objects.select_for_update().get(pk=getattr(call, "pk", call))
        _status(call, CallStatus.OPEN)
        today = timezone.localdate()
        if (call.opens_on and today < call.opens_on) or (call.closes_on and today > call.closes_on):
            raise ValidationError(_("Nominations for “%(call)s” are taken from %(start)s to %(end)s, not now.") % {"call": call.title, "start": call.opens_on or "", "end": call.closes_on or ""})
        channel = Channel.objects.select_for_update().filter(call=call, organization=organization).first()
        if channel is None:
            raise ValidationError(_("“%(org)s” is not a nominating channel of “%(call)s” and cannot nominate.") % {"org": organization, "call": call.title})
        used = channel.nominations.count()
        if used >= channel.quota:
            raise ValidationError(_("The quota of the channel “%(org)s” is %(quota)s and is used up; no more nominations.") % {"org": organization, "quota": channel.quota})
        person = _find_or_create(by, organization, nominee)
        if Nomination.objects.filter(call=call, nominee=person).exists():
            raise ValidationError(_("%(name)s is already nominated for “%(call)s”.") % {"name": person.name, "call": call.title})
        backers = [_find_or_create(by, organization, r) for r in recommenders or ()]
        if any(b.pk == person.pk for b in backers):
            raise ValidationError(_("A nominee cannot be their own recommender."))
        nomination = Nomination.objects.create(call=call, channel=channel, nominee=person,
                                               summary=str(summary or ""), created_by=by)
        nomination.recommenders.set(backers)
        for m in materials or ():
            title = str(m.get("title") or "").strip()
            if not title:
                raise ValidationError({"materials": _("Every material needs a title.")})
            if m.get("file"):
                try:
                    check_upload(m["file"], allowed=MATERIAL_TYPES)
                except ValidationError as error:
                    raise ValidationError({"materials": error.messages}) from None
            Material.objects.create(nomination=nomination, title=title[:200], file=m.get("file") or "",
                                    text=str(m.get("text") or ""))
        audit_record(action="submit", by=by, obj=nomination, new={
            "call": call.pk, "channel": channel.pk, "nominee": person.pk,
            "recommenders": sorted(b.pk for b in backers),
            "materials": [m.title for m in nomination.materials.all()]})
    return nomination


def formal_close(*, by, call: AwardCall) -> AwardCall:
    """Close nominations and start the formal check (形式审查)."""
    with transaction.atomic():
        call = _call(by, call)
        _status(call, CallStatus.OPEN)
        _move(by, call, CallStatus.FORMAL_CHECK)
    return call


def formal_check(*, by, nomination: Nomination, reject_reason: str = "") -> Nomination:
    """Check a nomination against the call's eligibility rules: accepted, or rejected with each
    failed rule's reason. A clerk may also reject by hand, giving ``reject_reason``."""
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().select_related("channel", "nominee").get(
            pk=getattr(nomination, "pk", nomination))
        call = _call(by, nomination.call_id)
        _status(call, CallStatus.FORMAL_CHECK)
        reasons = eligibility_reasons(nomination, call.rules)
        if str(reject_reason or "").strip():
            reasons.append(f"形式审查退回：{str(reject_reason).strip()}")
        old = {"status": nomination.status, "reasons": nomination.check_reasons}
        nomination.status = NominationStatus.REJECTED if reasons else NominationStatus.ACCEPTED
        nomination.check_reasons = reasons
        nomination.checked_at = timezone.now()
        nomination.save(update_fields=["status", "check_reasons", "checked_at"])
        audit_record(action="reject" if reasons else "accept", by=by, obj=nomination, old=old,
                     new={"status": nomination.status, "reasons": reasons})
    return nomination


# --- the review ------------------------------------------------------------------------------------

def review_start(*, by, call: AwardCall, data: dict | None = None, library=None):
    """Open the call's review: a panels round of kind award drawing on ``library`` (default: the
    call organisation's), one item per accepted nomination (its nominee, recommenders and channel
    organisation). The panels engine takes it from there."""
    data = dict(data or {})
    with transaction.atomic():
        call = _call(by, call)
        _status(call, CallStatus.FORMAL_CHECK)
        if call.nominations.filter(status=NominationStatus.SUBMITTED).exists():
            raise ValidationError(_("Some nominations have not had their formal check yet."))
        accepted = list(call.nominations.filter(status=NominationStatus.ACCEPTED).select_related(
            "nominee", "channel__organization"))
        if not accepted:
            raise ValidationError(_("No nomination passed the formal check; the review cannot start."))
        round = panels.round_create(by=by, organization=call.organization, data={
            "title": data.pop("title", None) or f"{call.title}评审", "kind": "award", **data}, library=library)
        items = panels.items_add(by=by, round=round, items=[{
            "title": f"{n.nominee.name}（{n.channel.organization}推荐）", "text": n.summary,
            "disciplines": list(n.nominee.disciplines), "organization": n.channel.organization,
            "units": n.nominee.unit_names(),
            "persons": [n.nominee], "recommenders": list(n.recommenders.all()), "source_object": n,
            "source": "人才举荐"} for n in accepted])
        for n, item in zip(accepted, items):
            n.review_item = item
            n.save(update_fields=["review_item"])
        call.review_round = round
        call.save(update_fields=["review_round"])
        _move(by, call, CallStatus.REVIEW)
    return round


def notice_start(*, by, call: AwardCall, start: dt.date, end: dt.date) -> AwardCall:
    """Publish the panel's ranking for notice (panels.notice_publish) and follow it on the call."""
    with transaction.atomic():
        call = _call(by, call)
        _status(call, CallStatus.REVIEW)
        panels.notice_publish(by=by, round=call.review_round, start=start, end=end)
        _move(by, call, CallStatus.NOTICE)
    return call


def winners_decide(*, by, call: AwardCall, top: int | None = None, winners=None, notes: dict | None = None):
    """Decide the winners, by the panel's ranking (the ``top`` N) or by hand (``winners``: nominations).

    The panel's Decision rows are recorded through panels.decisions_record (objections must be
    handled) when the round has none yet; otherwise the existing decisions are followed."""
    with transaction.atomic():
        call = _call(by, call)
        _status(call, CallStatus.NOTICE, CallStatus.REVIEW)
        round = call.review_round
        nominations = {n.review_item_id: n for n in call.nominations.filter(review_item__isnull=False)}
        if round.status == RoundStatus.DECIDED:
            chosen = set(Decision.objects.filter(item__round=round, outcome=Outcome.APPROVED)
                         .values_list("item_id", flat=True))
        else:
            if winners is not None:
                chosen = {n.review_item_id for n in Nomination.objects.filter(
                    pk__in=[getattr(w, "pk", w) for w in winners], call=call)}
                if len(chosen) != len(set(winners)):
                    raise ValidationError({"winners": _("A chosen winner is not a nomination of this call.")})
            elif top is not None:
                chosen = {r.item for r in ranking(round) if r.rank <= int(top)}
            else:
                raise ValidationError(_("Give the number of winners or choose them."))
            panels.decisions_record(by=by, round=round, approved=list(chosen), notes=notes)
        for item_id, n in nominations.items():
            n.status = NominationStatus.WINNER if item_id in chosen else NominationStatus.NOT_SELECTED
            n.save(update_fields=["status"])
        call.status = CallStatus.DECIDED
        call.save(update_fields=["status"])
        audit_record(action="decide", by=by, obj=call, old={"status": CallStatus.NOTICE}, new={
            "status": call.status, "winners": sorted(n.pk for i, n in nominations.items() if i in chosen)})
    return [n for i, n in nominations.items() if i in chosen]


# --- 托举 follow-up ---------------------------------------------------------------------------------

def followups_plan(*, by, call: AwardCall, years: int = 3, first_due: dt.date | None = None) -> list[FollowUp]:
    """For a 托举 call, one report per winner per programme year, due a year apart."""
    with transaction.atomic():
        call = _call(by, call)
        if call.kind != CallKind.LIFT:
            raise ValidationError(_("Only a lift programme has yearly follow-up reports."))
        _status(call, CallStatus.DECIDED)
        first_due = first_due or dt.date(call.year + 1, 12, 31)
        rows = []
        for n in call.nominations.filter(status=NominationStatus.WINNER):
            for year in range(1, int(years) + 1):
                due = first_due.replace(year=first_due.year + year - 1)
                row, created = FollowUp.objects.get_or_create(nomination=n, programme_year=year, defaults={
                    "person_id": n.nominee_id, "due_on": due})
                if created:
                    rows.append(row)
        audit_record(action="schedule", by=by, obj=call, new={"followups": len(rows), "years": int(years)})
    return rows


def followup_submit(*, by, followup: FollowUp, text: str) -> FollowUp:
    """The year's report, submitted through the channel that nominated the person."""
    text = str(text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the year's report.")})
    _require(by, NOMINATE)
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().get(pk=getattr(followup, "pk", followup))
        access_object(Nomination, by, NOMINATE, pk=followup.nomination_id)
        if followup.reviewed_at:
            raise ValidationError(_("This report has been reviewed and can no longer be changed."))
        followup.text, followup.submitted_at = text, timezone.now()
        followup.save(update_fields=["text", "submitted_at"])
        audit_record(action="submit", by=by, obj=followup, new={"programme_year": followup.programme_year,
                                                                 "text": text[:200]})
    return followup


def followup_review(*, by, followup: FollowUp, note: str) -> FollowUp:
    """The call's organisation reviews a submitted report; it cannot be changed afterwards."""
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().select_related("nomination").get(
            pk=getattr(followup, "pk", followup))
        _call(by, followup.nomination.call_id)
        if not followup.submitted_at:
            raise ValidationError(_("This report has not been submitted yet."))
        followup.review_note, followup.reviewed_at = str(note or "").strip(), timezone.now()
        followup.save(update_fields=["review_note", "reviewed_at"])
        audit_record(action="review", by=by, obj=followup, new={"note": followup.review_note})
    return followup
