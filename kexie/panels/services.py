"""Review panels: every state change is one function here, one transaction with its audit row.

The engines do the work (``kexie.experts_engine`` for conflicts, draws and assignment,
``kexie.rubric`` for the form and the panel's figures); these functions load rows, call them and
store what comes back. Managing a round needs ``expert.manage`` within the round's organisation.
"""

import datetime as dt
import secrets
from collections import Counter
from dataclasses import replace
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_code as _require
from kexie.audit.services import audit_record
from kexie.experts_engine import conflicts as conflict_engine
from kexie.experts_engine.assign import Infeasible
from kexie.experts_engine.assign import assign as assign_pairs
from kexie.experts_engine.draw import Condition, Draw, NoAlternate, call_alternate, rerun
from kexie.experts_engine.draw import draw as draw_panel
from kexie.experts_engine.match import ExpertIndex
from kexie.notifications.models import Kind as NotificationKind
from kexie.notifications.services import notify
from kexie.organizations.models import Organization
from kexie.people.codes import DISCIPLINE_FIRST_LEVEL, INDUSTRY_FIRST_LEVEL
from kexie.people.models import ExpertLibrary, Person
from kexie.people.services import library_of
from kexie.rubric.scoring import score as rubric_score

from .experts import item_targets, library_experts
from .models import (ACTIVE_SEAT_STATES, Assignment, ConflictRecord, Decision, DrawRecord, ItemScore, Method,
                     Objection, Outcome, PanelSeat, ReviewItem, ReviewRound, RoundKind, RoundStatus, SeatHow,
                     SeatState)
from .review_form import clean_form, rubric_of

MANAGE = "expert.manage"
ROUND_FIELDS = ("title", "kind", "form", "reviewers_per_item", "load_cap", "method", "drop_extremes",
                "coauthor_years")


def _round(by, round, *, lock: bool = True) -> ReviewRound:
    _require(by, MANAGE)
    queryset = ReviewRound.objects.select_related("organization", "library")
    if lock:
        queryset = queryset.select_for_update()
    return access_object(queryset, by, MANAGE, pk=getattr(round, "pk", round))


def _item(by, item) -> ReviewItem:
    _require(by, MANAGE)
    return access_object(ReviewItem.objects.select_related("round"), by, MANAGE, pk=getattr(item, "pk", item))


def _own_round(by, round_id) -> ReviewRound:
    """The round of the expert's own seat, locked: the expert acts on it without ``expert.manage``."""
    return ReviewRound.objects.select_related("organization", "library").select_for_update().get(pk=round_id)


def _is_own_entry(by, entry_id) -> bool:
    """Whether ``by`` is the platform account of the expert entry's person (the expert themself)."""
    from kexie.people.models import ExpertEntry

    return bool(getattr(by, "pk", None)) and ExpertEntry.objects.filter(pk=entry_id, person__account_id=by.pk).exists()


def _status(round: ReviewRound, *allowed: str) -> None:
    if round.status not in allowed:
        raise ValidationError(_("This cannot be done while the round is “%(status)s”.")
                              % {"status": round.get_status_display()})


def _positive(value, field: str, *, allow_zero: bool = False) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < (0 if allow_zero else 1) or number > 1000:
        raise ValidationError({field: _("Enter a whole number from %(low)s to 1000.") % {"low": 0 if allow_zero else 1}})
    return number


def round_snapshot(round: ReviewRound) -> dict:
    return {f: getattr(round, f) for f in ROUND_FIELDS} | {"status": round.status,
                                                          "organization": round.organization_id,
                                                          "library": round.library_id}


# --- rounds and items -----------------------------------------------------------------------------

def round_create(*, by, organization: Organization, data: dict, library: ExpertLibrary | None = None) -> ReviewRound:
    """Create a review round kept by ``organization``, drawing on its expert library (or ``library``)."""
    _require(by, MANAGE)
    organization = access_object(Organization, by, MANAGE, pk=getattr(organization, "pk", organization))
    if library is not None:
        library = access_object(ExpertLibrary, by, "expert.view", pk=getattr(library, "pk", library))
    title = str(data.get("title") or "").strip()
    if not title:
        raise ValidationError({"title": _("Enter a title.")})
    kind = data.get("kind") or RoundKind.OTHER
    if kind not in RoundKind.values:
        raise ValidationError({"kind": _("Choose a kind of review.")})
    method = data.get("method") or Method.MEAN
    if method not in Method.values:
        raise ValidationError({"method": _("Choose a combining method.")})
    with transaction.atomic():
        round = ReviewRound(
            organization=organization, library=library or library_of(organization), title=title[:200], kind=kind,
            form=clean_form(data.get("form")), method=method, drop_extremes=bool(data.get("drop_extremes")),
            reviewers_per_item=_positive(data.get("reviewers_per_item", 3), "reviewers_per_item"),
            load_cap=_positive(data.get("load_cap", 10), "load_cap"),
            coauthor_years=_positive(data.get("coauthor_years", 5), "coauthor_years", allow_zero=True),
            created_by=by)
        round.save()
        audit_record(action="create", by=by, obj=round, new=round_snapshot(round))
    return round


def _persons(by, values, field: str) -> list[Person]:
    ids = {getattr(v, "pk", v) for v in values or ()}
    found = list(Person.objects.current().restrict(by, "person.view").filter(pk__in=ids))
    if len(found) != len(ids):
        raise ValidationError({field: _("A person given is not among the person records you may see.")})
    return found


def _texts(value) -> list[str]:
    if isinstance(value, str):
        value = value.replace("；", ";").split(";")
    return [str(v).strip() for v in value or () if str(v).strip()]


def items_add(*, by, round: ReviewRound, items: list[dict]) -> list[ReviewItem]:
    """Add what is to be reviewed. Each dict: ``title``, ``text``, ``disciplines``, ``industries``,
    ``region_code``, ``organization`` (under review), ``units`` (other units by name),
    ``persons``, ``recommenders``, ``avoid_units``, ``avoid_persons`` and, for items that stand
    for another record, ``source_object`` (any model instance) or a ``source`` label."""
    created = []
    with transaction.atomic():
        round = _round(by, round)
        _status(round, RoundStatus.DRAFT, RoundStatus.DRAWING)
        for n, data in enumerate(items, 1):
            title = str(data.get("title") or "").strip()
            if not title:
                raise ValidationError({"title": _("Item %(n)s needs a title.") % {"n": n}})
            organization = data.get("organization")
            if organization is not None:
                organization = access_object(Organization, by, "org.view", pk=getattr(organization, "pk", organization))
            source = data.get("source_object")
            item = ReviewItem.objects.create(
                round=round, title=title[:300], text=str(data.get("text") or ""),
                disciplines=_texts(data.get("disciplines")), industries=_texts(data.get("industries")),
                region_code=str(data.get("region_code") or "")[:6], organization=organization,
                units=_texts(data.get("units")), avoid_units=_texts(data.get("avoid_units")),
                source=str(data.get("source") or "")[:100],
                source_type=ContentType.objects.get_for_model(source) if source is not None else None,
                source_id=str(source.pk) if source is not None else "")
            item.persons.set(_persons(by, data.get("persons"), "persons"))
            item.recommenders.set(_persons(by, data.get("recommenders"), "recommenders"))
            item.avoid_persons.set(_persons(by, data.get("avoid_persons"), "avoid_persons"))
            audit_record(action="create", by=by, obj=item, new={
                "round": round.pk, "title": item.title, "organization": item.organization_id, "units": item.units,
                "persons": sorted(p.pk for p in item.persons.all()),
                "recommenders": sorted(p.pk for p in item.recommenders.all()),
                "avoid_units": item.avoid_units, "avoid_persons": sorted(p.pk for p in item.avoid_persons.all()),
                "source": item.source or (f"{item.source_type.model}:{item.source_id}" if source is not None else "")})
            created.append(item)
    return created


# --- conflicts of interest ------------------------------------------------------------------------

def _worded(conflict, names: dict, item_persons: dict) -> tuple[dict, str]:
    """The engine's detail with person ids put as names, and its sentence."""
    detail = dict(conflict.detail)
    if conflict.reason_code == "recommender":
        detail["person"] = "、".join(names.get(p, str(p)) for p in item_persons.get(conflict.target_id, ()))
    elif "person" in detail:
        detail["person_id"] = detail["person"]
        detail["person"] = names.get(detail["person"], str(detail["person"]))
    return detail, replace(conflict, detail=detail).message()


def _conflicts(round: ReviewRound, *, today: dt.date | None = None, entries=None, items=None):
    """Run the conflict engine over the round's library (or ``entries``) and items (or ``items``)."""
    experts, entry_of = library_experts(round, entries)
    targets = item_targets(items if items is not None else round.items.all())
    found = conflict_engine.check(experts, targets, today=today or timezone.localdate(),
                                  coauthor_years=round.coauthor_years)
    return found, entry_of, targets


def _store_conflicts(round: ReviewRound, found, entry_of, targets) -> list[ConflictRecord]:
    ids = {c.expert_id for c in found} | {p for t in targets for p in (*t.person_ids, *t.recommender_ids)}
    ids |= {c.detail.get("person") for c in found if isinstance(c.detail.get("person"), int)}
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
    item_persons = {t.id: t.person_ids for t in targets}
    ConflictRecord.objects.filter(round=round).delete()
    rows = []
    for c in found:
        detail, message = _worded(c, names, item_persons)
        rows.append(ConflictRecord(round=round, entry=entry_of[c.expert_id], item_id=c.target_id,
                                   reason_code=c.reason_code, message=message[:500], detail=detail))
    return ConflictRecord.objects.bulk_create(rows)


def conflicts_compute(*, by, round: ReviewRound, today: dt.date | None = None) -> list[ConflictRecord]:
    """Check every expert of the library against every item and store each reason found
    (replacing the rows of an earlier check)."""
    with transaction.atomic():
        round = _round(by, round)
        found, entry_of, targets = _conflicts(round, today=today)
        rows = _store_conflicts(round, found, entry_of, targets)
        audit_record(action="update", by=by, obj=round, detail="conflicts", new={
            "conflicts": len(rows), "by_reason": dict(Counter(r.reason_code for r in rows))})
    return rows


def pair_conflicts(round: ReviewRound, entry, item: ReviewItem, *, today: dt.date | None = None) -> list[str]:
    """Why ``entry`` may not review ``item``, checked now on the current records (empty: it may)."""
    found, _entry_of, targets = _conflicts(round, today=today, entries=type(entry).objects.filter(pk=entry.pk),
                                           items=ReviewItem.objects.filter(pk=item.pk))
    if not found:
        return []
    ids = {p for t in targets for p in (*t.person_ids, *t.recommender_ids)} | {entry.person_id}
    ids |= {c.detail.get("person") for c in found if isinstance(c.detail.get("person"), int)}
    names = dict(Person.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [_worded(c, names, {t.id: t.person_ids for t in targets})[1] for c in found]


# --- random draw ----------------------------------------------------------------------------------

def _draw_snapshot(draw: DrawRecord) -> dict:
    return {"conditions": draw.conditions, "alternates": draw.alternates, "pool_size": draw.pool_size,
            "pool_hash": draw.pool_hash}


def draw_run(*, by, round: ReviewRound, conditions: list[dict], seed: int | None = None, alternates: int = 2,
             today: dt.date | None = None) -> DrawRecord:
    """Draw the panel at random under ``conditions`` (``[{"discipline": "52", "count": 3}, …]``)
    from the library's active experts without a conflict with any item. The seed (a fresh random
    one unless given) is stored; the seats are sealed until :func:`draw_open`."""
    try:
        conds = [Condition.of(c) for c in conditions]
    except TypeError:
        raise ValidationError({"conditions": _("A draw condition has an unknown field.")}) from None
    if not conds or any(c.count < 1 for c in conds):
        raise ValidationError({"conditions": _("Each draw condition needs a number of experts of at least 1.")})
    seed = secrets.randbits(62) if seed is None else int(seed)
    with transaction.atomic():
        round = _round(by, round)
        _status(round, RoundStatus.DRAFT, RoundStatus.DRAWING)
        if round.draws.exists():
            raise ValidationError(_("This round already has a draw; call alternates instead of drawing again."))
        found, entry_of, targets = _conflicts(round, today=today)
        _store_conflicts(round, found, entry_of, targets)
        experts = [e for e in library_experts(round)[0]]
        excluded = sorted(round.seats.values_list("entry__person_id", flat=True))
        result = draw_panel(experts, conds, seed=seed, conflicts=conflict_engine.conflicted_pairs(found),
                                  alternates=alternates, exclude_ids=excluded)
        record = DrawRecord.objects.create(
            round=round, seed=seed, conditions=[c.to_dict() for c in conds], alternates=alternates,
            excluded_ids=excluded, pool_size=result.pool_size, pool_hash=result.pool_hash, result=result.to_dict(),
            created_by=by)
        for n, panel in enumerate(result.panels):
            for person_id in panel.members:
                PanelSeat.objects.create(round=round, entry=entry_of[person_id], how=SeatHow.DRAW, condition=n,
                                         state=SeatState.INVITED, sealed=True)
            for order, person_id in enumerate(panel.alternates, 1):
                PanelSeat.objects.create(round=round, entry=entry_of[person_id], how=SeatHow.DRAW, condition=n,
                                         alternate_order=order, state=SeatState.ALTERNATE, sealed=True)
        round.status = RoundStatus.DRAWING
        round.save(update_fields=["status"])
        # The seed and the names stay out of the trail until the draw is opened: either would
        # let a reader of the trail know the panel.
        audit_record(action="create", by=by, obj=record, detail="draw", new={
            **_draw_snapshot(record), "shortages": result.shortages()})
    return record


def _current_draw(round: ReviewRound) -> DrawRecord:
    record = round.draws.order_by("-pk").first()
    if record is None:
        raise ValidationError(_("This round has no draw."))
    return record


def draw_open(*, by, round: ReviewRound) -> DrawRecord:
    """Open (unseal) the round's draw: the panel's names become visible to the clerks."""
    with transaction.atomic():
        round = _round(by, round)
        record = _current_draw(round)
        if not record.sealed:
            raise ValidationError(_("The draw has already been opened."))
        record.sealed, record.opened_at, record.opened_by = False, timezone.now(), by
        record.save(update_fields=["sealed", "opened_at", "opened_by"])
        round.seats.filter(how=SeatHow.DRAW).update(sealed=False)
        audit_record(action="status", by=by, obj=record, old={"sealed": True}, new={
            "sealed": False, "seed": record.seed, "result": record.result})
    return record


def draw_verify(*, by, round: ReviewRound) -> tuple[bool, dict]:
    """Draw again from the stored seed, conditions and conflicts, on the library as it is now,
    and say whether pool and panel are identical (and the new draw's figures). The check is
    audited; it changes nothing else."""
    with transaction.atomic():
        round = _round(by, round, lock=False)
        record = _current_draw(round)
        experts, _entry_of = library_experts(round)
        pairs = set(ConflictRecord.objects.filter(round=round).values_list("entry__person_id", "item_id"))
        again, same = rerun(Draw.from_dict(record.result), experts, conflicts=pairs,
                                        alternates=record.alternates, exclude_ids=record.excluded_ids)
        audit_record(action="update", by=by, obj=record, detail="draw verified" if same else "draw differs",
                     new={"identical": same, "pool_hash": again.pool_hash}, success=same)
    return same, again.to_dict()


# --- seats and invitations ------------------------------------------------------------------------

def expert_recipients(person: Person) -> list:
    """Whom to tell for an expert: the expert's own account when the person has one (a
    notification on the platform, mailed to the account's address), else the person's address."""
    account = person.account if person.account_id and person.account.is_active else None
    recipients = [account] if account else []
    if person.email and not (account and account.email):
        recipients.append(person.email)
    return recipients


def _invite(seat: PanelSeat) -> None:
    person = seat.entry.person
    round = seat.round
    # The link opens the expert's review page.
    recipients = expert_recipients(person)
    if recipients:
        notify(recipients=recipients, kind=NotificationKind.REVIEW_INVITATION,
               title=_("Invitation to review: %(round)s") % {"round": round.title},
               body=_("%(name)s, you are invited to the review panel of “%(round)s” (%(organization)s). "
                      "Accept or decline on your review page (sign in to the platform), or tell the organiser.")
               % {"name": person.name, "round": round.title, "organization": round.organization.name},
               url=reverse("panels:mine"), key=f"panels.invite.{seat.pk}", obj=seat)
    seat.invited_at = timezone.now()
    seat.save(update_fields=["invited_at"])


def seats_invite(*, by, round: ReviewRound) -> int:
    """Invite every seated expert not invited yet (mail to the person's address); returns how many."""
    with transaction.atomic():
        round = _round(by, round)
        seats = list(round.seats.select_related("entry__person", "round__organization")
                     .filter(state=SeatState.INVITED, invited_at__isnull=True))
        for seat in seats:
            _invite(seat)
        audit_record(action="remind", by=by, obj=round, detail="invitations", new={"invited": len(seats)})
    return len(seats)


def seat_add(*, by, round: ReviewRound, entry) -> PanelSeat:
    """Put an expert of the round's library on the panel by hand."""
    with transaction.atomic():
        round = _round(by, round)
        _status(round, RoundStatus.DRAFT, RoundStatus.DRAWING, RoundStatus.REVIEWING)
        if getattr(entry, "library_id", None) != round.library_id:
            raise ValidationError({"entry": _("The expert is not in this round's expert library.")})
        if round.seats.filter(entry=entry).exists():
            raise ValidationError({"entry": _("The expert is already on the panel.")})
        seat = PanelSeat.objects.create(round=round, entry=entry, how=SeatHow.MANUAL, state=SeatState.INVITED)
        audit_record(action="panel_add", by=by, obj=seat, new={"round": round.pk, "entry": entry.pk})
    return seat


def seat_respond(*, by, seat: PanelSeat, accept: bool) -> PanelSeat | None:
    """Record an expert's answer, given by the expert themself (their linked account) or by a
    clerk with ``expert.manage``. A decline of a drawn seat calls the next alternate of its
    condition (invited at once) and returns that seat; None when there is none (or on accept)."""
    with transaction.atomic():
        seat = PanelSeat.objects.filter(pk=getattr(seat, "pk", seat)).first() or seat
        own = _is_own_entry(by, seat.entry_id)
        round = _own_round(by, seat.round_id) if own else _round(by, seat.round_id)
        seat = round.seats.select_for_update().select_related("entry__person").get(pk=seat.pk)
        if seat.state not in ACTIVE_SEAT_STATES:
            raise ValidationError(_("Only an invited or confirmed expert can answer."))
        old = seat.state
        seat.responded_at = timezone.now()
        if accept:
            seat.state = SeatState.CONFIRMED
            seat.save(update_fields=["state", "responded_at"])
            audit_record(action="status", by=by, obj=seat, old={"state": old}, new={"state": seat.state})
            return None
        if ItemScore.objects.filter(item__round=round, entry=seat.entry).exists():
            raise ValidationError(_("The expert has already scored items and cannot decline now."))
        seat.assignments.all().delete()
        seat.state = SeatState.DECLINED
        alternate = None
        if seat.how == SeatHow.DRAW:
            record = _current_draw(round)
            try:
                result, person_id = call_alternate(Draw.from_dict(record.result),
                                                               seat.entry.person_id)
            except (NoAlternate, KeyError):
                result = person_id = None
            if result is not None:
                record.result = result.to_dict()
                record.save(update_fields=["result"])
                alternate = round.seats.select_related("entry__person", "round__organization").get(
                    entry__person_id=person_id, state=SeatState.ALTERNATE)
                alternate.state, alternate.replaces, alternate.alternate_order = SeatState.INVITED, seat, None
                alternate.save(update_fields=["state", "replaces", "alternate_order"])
                _invite(alternate)
                seat.state = SeatState.REPLACED
        seat.save(update_fields=["state", "responded_at"])
        audit_record(action="status", by=by, obj=seat, old={"state": old}, new={
            "state": seat.state, "alternate": alternate.entry_id if alternate else None})
    return alternate


# --- assignment -----------------------------------------------------------------------------------

def _infeasible_message(error: Infeasible, titles: dict) -> str:
    return "；".join(replace(s, item_id=titles.get(s.item_id, s.item_id)).message() for s in error.shortages)


def assignment_run(*, by, round: ReviewRound, today: dt.date | None = None) -> dict:
    """Assign ``reviewers_per_item`` experts of the panel to every item, at most ``load_cap``
    each, spread evenly, most relevant first; conflicted pairs are never assigned. Replaces the
    round's assignments (refused once scoring has begun)."""
    with transaction.atomic():
        round = _round(by, round)
        _status(round, RoundStatus.DRAFT, RoundStatus.DRAWING, RoundStatus.REVIEWING)
        if ItemScore.objects.filter(item__round=round).exists():
            raise ValidationError(_("Scoring has begun; assignments can only be added by hand now."))
        seats = {s.entry.person_id: s for s in round.seats.select_related("entry").filter(state__in=ACTIVE_SEAT_STATES)}
        items = list(round.items.all())
        if not seats or not items:
            raise ValidationError(_("The round needs items and experts on its panel before assigning."))
        found, entry_of, targets = _conflicts(round, today=today)
        _store_conflicts(round, found, entry_of, targets)
        experts = [e for e in library_experts(round)[0] if e.id in seats]
        reviewer_ids = [e.id for e in experts]
        relevance = ExpertIndex(experts, today=today or timezone.localdate(), discipline_level=DISCIPLINE_FIRST_LEVEL,
                                industry_level=INDUSTRY_FIRST_LEVEL).relevance(targets, reviewer_ids)
        try:
            result = assign_pairs([t.id for t in targets], reviewer_ids, relevance,
                                          k=round.reviewers_per_item, cap=round.load_cap,
                                          conflicts=conflict_engine.conflicted_pairs(found))
        except Infeasible as error:
            raise ValidationError(_infeasible_message(error, {i.pk: i.title for i in items})) from None
        Assignment.objects.filter(item__round=round).delete()
        Assignment.objects.bulk_create(Assignment(item_id=item_id, seat=seats[person_id], how=SeatHow.ASSIGNMENT)
                                       for item_id, people in result.reviewers.items() for person_id in people)
        round.status = RoundStatus.REVIEWING
        round.save(update_fields=["status"])
        summary = {"pairs": sum(len(r) for r in result.reviewers.values()),
                   "loads": {str(seats[p].entry_id): n for p, n in result.loads.items()},
                   "even": result.even, "spread": result.spread}
        audit_record(action="assign", by=by, obj=round, new=summary)
    return summary


def assignment_add(*, by, item: ReviewItem, seat: PanelSeat) -> Assignment:
    """Assign one expert to one item by hand; refused, with the reasons, for a conflicted pair."""
    with transaction.atomic():
        item = _item(by, item)
        round = _round(by, item.round_id)
        _status(round, RoundStatus.DRAFT, RoundStatus.DRAWING, RoundStatus.REVIEWING)
        seat = round.seats.select_related("entry__person").filter(pk=getattr(seat, "pk", seat)).first()
        if seat is None or seat.state not in ACTIVE_SEAT_STATES:
            raise ValidationError(_("Only an invited or confirmed expert of this panel can be assigned."))
        stored = list(ConflictRecord.objects.filter(item=item, entry=seat.entry).values_list("message", flat=True))
        reasons = list(dict.fromkeys([*stored, *pair_conflicts(round, seat.entry, item)]))
        if not reasons:
            return _assignment_create(by, item, seat)
    # A refusal is audited as a failure in a transaction of its own (the change itself made none).
    audit_record(action="assign", by=by, obj=item, success=False, detail="；".join(reasons),
                 new={"entry": seat.entry_id})
    raise ValidationError(_("%(name)s cannot review “%(item)s”: %(reasons)s")
                          % {"name": seat.entry.person.name, "item": item.title, "reasons": "；".join(reasons)})


def _assignment_create(by, item: ReviewItem, seat: PanelSeat) -> Assignment:
    if Assignment.objects.filter(item=item, seat=seat).exists():
        raise ValidationError(_("The expert is already assigned to this item."))
    assignment = Assignment.objects.create(item=item, seat=seat, how=SeatHow.MANUAL)
    audit_record(action="assign", by=by, obj=item, new={"entry": seat.entry_id, "how": SeatHow.MANUAL})
    return assignment


# --- scoring --------------------------------------------------------------------------------------

def _points(form: list[dict], values: dict) -> dict[str, Decimal]:
    """The points per criterion, or ValidationError naming the first criterion that is wrong."""
    if not isinstance(values, dict):
        raise ValidationError(_("Give the points of every criterion."))
    known = {c["code"] for c in form}
    unknown = [k for k in values if k not in known]
    if unknown:
        raise ValidationError(_("“%(code)s” is not a criterion of this review form.") % {"code": unknown[0]})
    out = {}
    for c in form:
        maximum = Decimal(c["max"])
        raw = values.get(c["code"])
        if raw is None or str(raw).strip() == "":
            raise ValidationError({c["code"]: _("Give the points for “%(name)s”.") % {"name": c["name"]}})
        try:
            points = Decimal(str(raw).strip())
        except ArithmeticError:
            points = None
        if points is None or not points.is_finite() or points < 0 or points > maximum or points != round(points, 2):
            raise ValidationError({c["code"]: _("The points for “%(name)s” must be a number from 0 to %(max)s.")
                                   % {"name": c["name"], "max": c["max"]}})
        out[c["code"]] = points
    return out


def score_submit(*, by, item: ReviewItem, entry, values: dict, comment: str = "") -> ItemScore:
    """Record (or correct, before the notice) an assigned expert's points for an item, given by
    the expert themself (their linked account) or by a clerk with ``expert.manage``. Every
    criterion is checked against the form first; nothing is saved when one is wrong."""
    with transaction.atomic():
        if _is_own_entry(by, getattr(entry, "pk", entry)):
            item = ReviewItem.objects.select_related("round").get(pk=getattr(item, "pk", item))
            round = _own_round(by, item.round_id)
        else:
            item = _item(by, item)
            round = _round(by, item.round_id)
        _status(round, RoundStatus.REVIEWING, RoundStatus.SCORED)
        if not Assignment.objects.filter(item=item, seat__entry=entry, seat__state__in=ACTIVE_SEAT_STATES).exists():
            raise ValidationError(_("This expert is not assigned to this item."))
        points = _points(round.form, values)
        total = rubric_score(rubric_of(round.form), {}, points).total
        old = ItemScore.objects.filter(item=item, entry=entry).first()
        row, _created = ItemScore.objects.update_or_create(item=item, entry=entry, defaults={
            "values": {k: str(v) for k, v in points.items()}, "total": total, "comment": str(comment or ""),
            "submitted_by": by})
        audit_record(action="score", by=by, obj=item, old={"values": old.values, "total": old.total} if old else None,
                     new={"entry": entry.pk, "values": row.values, "total": total})
    return row


def scoring_close(*, by, round: ReviewRound) -> ReviewRound:
    """Close scoring: every assignment must have its score."""
    with transaction.atomic():
        round = _round(by, round)
        _status(round, RoundStatus.REVIEWING)
        scored = set(ItemScore.objects.filter(item__round=round).values_list("item_id", "entry_id"))
        missing = [a for a in Assignment.objects.filter(item__round=round).values_list("item_id", "seat__entry_id")
                   if a not in scored]
        if missing:
            raise ValidationError(_("%(n)s assigned scores are still missing.") % {"n": len(missing)})
        round.status = RoundStatus.SCORED
        round.save(update_fields=["status"])
        audit_record(action="status", by=by, obj=round, old={"status": RoundStatus.REVIEWING},
                     new={"status": round.status})
    return round


# --- notice, objections, decisions ----------------------------------------------------------------

def notice_publish(*, by, round: ReviewRound, start: dt.date, end: dt.date) -> ReviewRound:
    """Publish the ranking for public notice (公示) from ``start`` to ``end``."""
    with transaction.atomic():
        round = _round(by, round)
        _status(round, RoundStatus.SCORED)
        if not start or not end or end < start:
            raise ValidationError({"notice_end": _("The notice must end on or after the day it starts.")})
        round.notice_start, round.notice_end, round.status = start, end, RoundStatus.NOTICE
        round.save(update_fields=["notice_start", "notice_end", "status"])
        from .selectors import ranking
        audit_record(action="publish", by=by, obj=round, new={
            "notice_start": start, "notice_end": end,
            "ranking": [{"item": r.item, "rank": r.rank, "score": r.score} for r in ranking(round)]})
    return round


def objection_raise(*, by, item: ReviewItem, text: str, name: str = "") -> Objection:
    """Record an objection to an item received during the notice."""
    text = str(text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what the objection is.")})
    with transaction.atomic():
        item = _item(by, item)
        round = _round(by, item.round_id)
        _status(round, RoundStatus.NOTICE)
        objection = Objection.objects.create(item=item, text=text, raised_by_name=str(name or "")[:100], raised_by=by)
        audit_record(action="objection", by=by, obj=item, new={"objection": objection.pk, "text": text})
    return objection


def objection_handle(*, by, objection: Objection, decision: str, upheld: bool) -> Objection:
    """Record how an objection was handled (upheld or not, and why)."""
    decision = str(decision or "").strip()
    if not decision:
        raise ValidationError({"decision": _("Write how the objection was handled.")})
    with transaction.atomic():
        item = _item(by, objection.item_id)
        _round(by, item.round_id)
        objection = Objection.objects.select_for_update().get(pk=objection.pk, item=item)
        if objection.handled_at:
            raise ValidationError(_("The objection has already been handled."))
        objection.decision, objection.upheld = decision, bool(upheld)
        objection.handled_by, objection.handled_at = by, timezone.now()
        objection.save(update_fields=["decision", "upheld", "handled_by", "handled_at"])
        audit_record(action="objection_handle", by=by, obj=item, new={
            "objection": objection.pk, "decision": decision, "upheld": objection.upheld})
    return objection


def decisions_record(*, by, round: ReviewRound, approved: list, notes: dict | None = None) -> list[Decision]:
    """Take the final decision on every item (``approved``: the items approved), after the
    notice, with every objection handled. Each decision keeps the item's rank and panel score."""
    notes = notes or {}
    with transaction.atomic():
        round = _round(by, round)
        _status(round, RoundStatus.NOTICE)
        if Objection.objects.filter(item__round=round, handled_at__isnull=True).exists():
            raise ValidationError(_("Handle every objection before deciding."))
        approved_ids = {getattr(i, "pk", i) for i in approved}
        items = {i.pk: i for i in round.items.all()}
        if approved_ids - set(items):
            raise ValidationError({"approved": _("An approved item is not in this round.")})
        from .selectors import ranking
        placed = {r.item: r for r in ranking(round)}
        rows = []
        for pk, item in items.items():
            ranked = placed.get(pk)
            outcome = Outcome.APPROVED if pk in approved_ids else Outcome.NOT_APPROVED
            row, _created = Decision.objects.update_or_create(item=item, defaults={
                "outcome": outcome, "rank": ranked.rank if ranked else None, "score": ranked.score if ranked else None,
                "note": str(notes.get(pk, "")), "decided_by": by})
            rows.append(row)
        round.status = RoundStatus.DECIDED
        round.save(update_fields=["status"])
        audit_record(action="decide", by=by, obj=round, new={
            "approved": sorted(approved_ids), "not_approved": sorted(set(items) - approved_ids)})
    return rows
