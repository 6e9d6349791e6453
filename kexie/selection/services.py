"""Writes of the 一流学会 selection rounds and the "四个一批" flags and decisions.

Each service takes the acting user as ``by``, checks the permission code and the data scope (an
object outside it is a 404), runs in one transaction and writes its audit row inside it. The
round moves draft → open → review → notice (公示) → decided, one step at a time:

* the organising association's staff (``evaluation.manage`` over it) create and move the round,
  assign the panel, enter the societies' final evaluation results, record and handle objections;
* a society secretary (``annual_report.submit``) applies for a society in their scope under the
  organising association while the round is open; eligibility is checked on the spot;
* an expert on the panel (``evaluation.score``) scores applications during the review unless in
  conflict with the society, and may declare a conflict.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.audit.services import audit_record
from kexie.core.uploads import check_upload
from kexie.organizations.models import Organization, OrganizationClosure, OrgStatus
from kexie.organizations.services import organization_set_status
from kexie.societies.models import SocietyProfile
from kexie.accounts.scope import require_code as _require

from . import rules, selectors
from .models import (
    Application,
    ApplicationStatus,
    Attachment,
    DeclaredConflict,
    DecisionAction,
    ExpertScore,
    FlagDecision,
    FlagRule,
    FlagStatus,
    Objection,
    PanelMember,
    RoundStatus,
    SelectionRound,
    SocietyFlag,
)

ATTACHMENT_TYPES = {"pdf", "docx", "xlsx", "txt", "png", "jpg", "jpeg"}
MAX_STATEMENT = 20000


def _today(today):
    return today or timezone.localdate()


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _managed_round(by, selection_round: SelectionRound, *, lock: bool = True) -> SelectionRound:
    _require(by, "evaluation.manage")
    queryset = SelectionRound.objects.select_related("organization")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return access_object(queryset, by, "evaluation.manage", pk=selection_round.pk)


def _require_status(selection_round: SelectionRound, *statuses) -> None:
    if selection_round.status not in statuses:
        raise ValidationError({"status": _("Round “%(round)s” is %(status)s; this cannot be done now.")
                               % {"round": selection_round.title, "status": selection_round.get_status_display()}})


def _decimal(value, *, field: str, label: str, low: Decimal, high: Decimal | None = None) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("%(label)s must be a number.") % {"label": label}}) from None
    if not number.is_finite() or number < low or (high is not None and number > high):
        message = (_("%(label)s must be between %(low)s and %(high)s.") if high is not None
                   else _("%(label)s must not be below %(low)s.")) % {"label": label, "low": low, "high": high}
        raise ValidationError({field: message})
    return number.quantize(Decimal("0.01"))


# --- rounds ---------------------------------------------------------------------------------------

@transaction.atomic
def round_create(*, by, organization: Organization, year: int, title: str, quota: int, min_score=None,
                 grades=(), inspection_years: int = 2, require_no_flag: bool = True,
                 require_report: bool = True) -> SelectionRound:
    """Create a selection round (draft) run by ``organization``, with its eligibility criteria."""
    _require(by, "evaluation.manage")
    organization = access_object(Organization, by, "evaluation.manage", pk=organization.pk)
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the round a title, e.g. “2026年度一流学会建设遴选”.")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("Give the year of the round, e.g. 2026.")
    if not isinstance(quota, int) or quota < 1:
        errors["quota"] = _("The quota must be a whole number of at least 1.")
    if not isinstance(inspection_years, int) or not 0 <= inspection_years <= 5:
        errors["inspection_years"] = _("The years of qualified annual inspection must be between 0 and 5.")
    if errors:
        raise ValidationError(errors)
    if min_score not in (None, ""):
        min_score = _decimal(min_score, field="min_score", label=_("Minimum evaluation score"), low=Decimal(0),
                             high=Decimal(1000))
    else:
        min_score = None
    grades = [str(g).strip() for g in grades if str(g).strip()]
    selection_round = SelectionRound.objects.create(
        organization=organization, year=year, title=title, quota=quota, min_score=min_score, grades=grades,
        inspection_years=inspection_years, require_no_flag=require_no_flag, require_report=require_report,
        created_by=by)
    audit_record(action="create", by=by, obj=selection_round, new={
        "organization": organization.pk, "year": year, "title": title, "quota": quota, "min_score": min_score,
        "grades": grades, "inspection_years": inspection_years, "require_no_flag": require_no_flag,
        "require_report": require_report})
    return selection_round


def _move(by, selection_round, to: str, *, old: str, **extra) -> SelectionRound:
    selection_round.status = to
    selection_round.save()
    audit_record(action="status", by=by, obj=selection_round, old={"status": old}, new={"status": to, **extra})
    return selection_round


@transaction.atomic
def round_open(*, by, selection_round: SelectionRound) -> SelectionRound:
    """Open a draft round for applications."""
    selection_round = _managed_round(by, selection_round)
    _require_status(selection_round, RoundStatus.DRAFT)
    return _move(by, selection_round, RoundStatus.OPEN, old=RoundStatus.DRAFT)


@transaction.atomic
def round_start_review(*, by, selection_round: SelectionRound) -> SelectionRound:
    """Close applications and start the expert review; every application's eligibility is checked
    again on the facts of the day. The panel must have at least one expert."""
    selection_round = _managed_round(by, selection_round)
    _require_status(selection_round, RoundStatus.OPEN)
    if not selection_round.panel.exists():
        raise ValidationError({"panel": _("Assign at least one expert to the panel before the review.")})
    if not selection_round.applications.exists():
        raise ValidationError({"status": _("No society has applied to this round yet.")})
    _recheck(selection_round)
    return _move(by, selection_round, RoundStatus.REVIEW, old=RoundStatus.OPEN)


@transaction.atomic
def round_start_notice(*, by, selection_round: SelectionRound, starts_on: dt.date, ends_on: dt.date,
                       today: dt.date | None = None) -> SelectionRound:
    """End the review and put the ranking's top ``quota`` applications on public notice (公示)
    from ``starts_on`` to ``ends_on``."""
    today = _today(today)
    selection_round = _managed_round(by, selection_round)
    _require_status(selection_round, RoundStatus.REVIEW)
    if not isinstance(starts_on, dt.date) or not isinstance(ends_on, dt.date):
        raise ValidationError({"notice_starts_on": _("Give the first and last day of the public notice.")})
    if starts_on < today:
        raise ValidationError({"notice_starts_on": _("The public notice cannot start before today (%(today)s).")
                               % {"today": _day(today)}})
    if ends_on < starts_on:
        raise ValidationError({"notice_ends_on": _("The public notice must end on or after its first day.")})
    ranked = [row for row in selectors.ranking(selection_round, today=today) if row.rank is not None]
    if not ranked:
        raise ValidationError({"status": _("No eligible application has a counted expert score yet.")})
    chosen = [row.application.pk for row in ranked[:selection_round.quota]]
    Application.objects.filter(round=selection_round).update(on_notice=False)
    Application.objects.filter(pk__in=chosen).update(on_notice=True)
    selection_round.notice_starts_on, selection_round.notice_ends_on = starts_on, ends_on
    return _move(by, selection_round, RoundStatus.NOTICE, old=RoundStatus.REVIEW, notice_starts_on=starts_on,
                 notice_ends_on=ends_on, on_notice=chosen,
                 ranking=[{"application": row.application.pk, "average": row.average, "rank": row.rank}
                          for row in ranked])


@transaction.atomic
def round_decide(*, by, selection_round: SelectionRound, today: dt.date | None = None) -> SelectionRound:
    """Decide the round after its notice period: the applications on notice with no upheld
    objection are selected, every other one is not. Objections still waiting to be handled
    block the decision."""
    today = _today(today)
    selection_round = _managed_round(by, selection_round)
    _require_status(selection_round, RoundStatus.NOTICE)
    if today <= selection_round.notice_ends_on:
        raise ValidationError({"status": _("The public notice runs until %(day)s; decide the round after it.")
                               % {"day": _day(selection_round.notice_ends_on)}})
    pending = selection_round.objections.filter(upheld__isnull=True).count()
    if pending:
        raise ValidationError({"objections": _("%(count)d objections have not been handled yet.")
                               % {"count": pending}})
    upheld = set(selection_round.objections.filter(upheld=True).values_list("application_id", flat=True))
    applications = selection_round.applications.all()
    selected = [a.pk for a in applications if a.on_notice and a.pk not in upheld]
    applications.update(status=ApplicationStatus.NOT_SELECTED)
    Application.objects.filter(pk__in=selected).update(status=ApplicationStatus.SELECTED)
    selection_round.decided_at = timezone.now()
    return _move(by, selection_round, RoundStatus.DECIDED, old=RoundStatus.NOTICE, selected=selected,
                 excluded_by_objection=sorted(upheld))


@transaction.atomic
def panel_add(*, by, selection_round: SelectionRound, expert) -> PanelMember:
    """Assign an expert (a user holding ``evaluation.score``) to the round's panel."""
    selection_round = _managed_round(by, selection_round)
    _require_status(selection_round, RoundStatus.DRAFT, RoundStatus.OPEN, RoundStatus.REVIEW)
    if expert is None or not expert.is_active or not expert.has_code("evaluation.score"):
        raise ValidationError({"expert": _("%(user)s is not a review expert (no permission to score).")
                               % {"user": expert}})
    try:
        with transaction.atomic():
            member = PanelMember.objects.create(round=selection_round, expert=expert, added_by=by)
    except IntegrityError:
        raise ValidationError({"expert": _("%(user)s is already on the panel.") % {"user": expert}}) from None
    audit_record(action="panel_add", by=by, obj=selection_round, new={"expert": expert.pk,
                                                                      "expert_name": str(expert)})
    return member


# --- applications ---------------------------------------------------------------------------------

def _check_attachments(attachments) -> None:
    problems = []
    for upload in attachments:
        try:
            check_upload(upload, allowed=ATTACHMENT_TYPES)
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"attachments": problems})


def _recheck(selection_round: SelectionRound, applications=None) -> None:
    applications = list(applications if applications is not None else selection_round.applications.all())
    # The platform's finalised evaluation wins over a result entered by hand.
    finals = selectors.platform_results(selection_round, {a.society_id for a in applications})
    for application in applications:
        if application.society_id in finals:
            application.evaluation_score, application.evaluation_grade = finals[application.society_id]
    checked = selectors.check_eligibility(selection_round, applications)
    now = timezone.now()
    for application in applications:
        rows = checked[application.pk]
        application.eligibility = [row.as_json() for row in rows]
        application.eligible = all(row.passed for row in rows)
        application.checked_at = now
    Application.objects.bulk_update(applications, ["evaluation_score", "evaluation_grade", "eligibility",
                                                   "eligible", "checked_at"])


@transaction.atomic
def application_submit(*, by, selection_round: SelectionRound, society: SocietyProfile, statement: str,
                       attachments=()) -> Application:
    """Apply for ``society`` to an open round, with a statement and attachments that pass the
    upload checks. Eligibility is checked at once; an ineligible application is kept, with the
    reasons, so the society sees why."""
    _require(by, "annual_report.submit")
    society = access_object(SocietyProfile.objects.select_related("organization"), by, "annual_report.submit",
                            pk=society.pk)
    selection_round = SelectionRound.objects.select_for_update().filter(
        pk__in=selectors.rounds_visible(by).values("pk"), pk=selection_round.pk).first()
    if selection_round is None:
        raise Http404
    if not OrganizationClosure.objects.filter(ancestor_id=selection_round.organization_id,
                                              descendant_id=society.pk).exists():
        raise ValidationError({"society": _("%(society)s is not under %(org)s, which runs this round.")
                               % {"society": society.organization.name, "org": selection_round.organization}})
    if selection_round.status != RoundStatus.OPEN:
        raise ValidationError({"status": _("Round “%(round)s” is not open for applications.")
                               % {"round": selection_round.title}})
    statement = (statement or "").strip()
    if not statement:
        raise ValidationError({"statement": _("Write the application statement.")})
    if len(statement) > MAX_STATEMENT:
        raise ValidationError({"statement": _("The application statement is longer than %(max)d characters.")
                               % {"max": MAX_STATEMENT}})
    _check_attachments(attachments)
    try:
        with transaction.atomic():
            application = Application.objects.create(round=selection_round, society=society, statement=statement,
                                                     submitted_by=by)
    except IntegrityError:
        raise ValidationError({"society": _("%(society)s has already applied to this round.")
                               % {"society": society.organization.name}}) from None
    for upload in attachments:
        Attachment.objects.create(application=application, file=upload, name=upload.name[:255],
                                  size=getattr(upload, "size", 0) or 0, uploaded_by=by)
    _recheck(selection_round, [application])
    audit_record(action="apply", by=by, obj=application, new={
        "round": selection_round.pk, "society": society.pk, "attachments": len(attachments),
        "eligible": application.eligible})
    return application


@transaction.atomic
def application_set_evaluation(*, by, application: Application, score, grade: str = "") -> Application:
    """Enter the final evaluation result of the basis year of a society that was not evaluated on
    the platform, and check its eligibility again. Only before the expert review ends."""
    selection_round = _managed_round(by, application.round)
    application = Application.objects.select_for_update().get(pk=application.pk, round=selection_round)
    _require_status(selection_round, RoundStatus.OPEN, RoundStatus.REVIEW)
    if selectors.platform_results(selection_round, [application.society_id]):
        raise ValidationError({"evaluation_score": _(
            "The %(year)d evaluation of %(society)s was finalised on the platform; its result is taken from there.")
            % {"year": selection_round.basis_year, "society": application.society}})
    old = {"score": application.evaluation_score, "grade": application.evaluation_grade}
    application.evaluation_score = (None if score in (None, "") else _decimal(
        score, field="evaluation_score", label=_("Final evaluation score"), low=Decimal(0), high=Decimal(1000)))
    application.evaluation_grade = (grade or "").strip()[:20]
    application.save(update_fields=["evaluation_score", "evaluation_grade"])
    _recheck(selection_round, [application])
    audit_record(action="evaluation", by=by, obj=application, old=old, new={
        "score": application.evaluation_score, "grade": application.evaluation_grade,
        "eligible": application.eligible})
    return application


@transaction.atomic
def eligibility_refresh(*, by, selection_round: SelectionRound) -> int:
    """Check every application of the round again (e.g. after flags were recomputed)."""
    selection_round = _managed_round(by, selection_round)
    _require_status(selection_round, RoundStatus.OPEN, RoundStatus.REVIEW)
    applications = list(selection_round.applications.all())
    _recheck(selection_round, applications)
    audit_record(action="eligibility", by=by, obj=selection_round, new={
        "eligible": [a.pk for a in applications if a.eligible]})
    return len(applications)


# --- expert review --------------------------------------------------------------------------------

def _assigned_application(by, application: Application) -> Application:
    _require(by, "evaluation.score")
    found = (Application.objects.select_for_update(of=("self",)).select_related("round", "society__organization")
             .filter(pk=application.pk, round__panel__expert=by).first())
    if found is None:
        raise Http404
    return found


@transaction.atomic
def conflict_declare(*, by, application: Application, reason: str) -> DeclaredConflict:
    """An expert declares a conflict of interest with an application's society (主动回避); a
    score they gave it no longer counts."""
    application = _assigned_application(by, application)
    # Only while experts score: afterwards the ranking on notice must stay as it was published.
    _require_status(application.round, RoundStatus.REVIEW)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you must be recused.")})
    conflict, _created = DeclaredConflict.objects.update_or_create(application=application, expert=by,
                                                                   defaults={"reason": reason[:300]})
    audit_record(action="recuse", by=by, obj=application, new={"expert": by.pk, "reason": reason})
    return conflict


def not_scored_message(application: Application) -> str:
    """Why an ineligible application is not offered for scoring: the criteria it did not meet."""
    failed = "；".join(row["reason"] for row in application.eligibility if not row.get("passed"))
    return _("%(society)s did not pass the eligibility check and is not scored: %(reasons)s") % {
        "society": application.society.organization.name, "reasons": failed or "—"}


@transaction.atomic
def score_submit(*, by, application: Application, score, comment: str = "",
                 today: dt.date | None = None) -> ExpertScore:
    """An expert on the panel scores an application (0–100) during the review. An expert in
    conflict with the society is refused with the reason; an application that did not pass the
    eligibility check is not scored, and the refusal names the criteria it missed."""
    application = _assigned_application(by, application)
    _require_status(application.round, RoundStatus.REVIEW)
    reasons = selectors.conflicts([application], [by], today=today).get((application.pk, by.pk))
    if reasons:
        raise ValidationError({"score": _("You must be recused from %(society)s (%(reasons)s) and cannot score it.")
                               % {"society": application.society.organization.name, "reasons": "；".join(reasons)}})
    if not application.eligible:
        raise ValidationError({"score": not_scored_message(application)})
    value = _decimal(score, field="score", label=_("Expert score"), low=Decimal(0), high=Decimal(100))
    existing = ExpertScore.objects.filter(application=application, expert=by).first()
    old = {"score": existing.score, "comment": existing.comment} if existing else None
    row, _created = ExpertScore.objects.update_or_create(application=application, expert=by,
                                                         defaults={"score": value, "comment": (comment or "").strip()})
    audit_record(action="score", by=by, obj=application, old=old, new={"score": value, "comment": row.comment})
    return row


# --- public notice and objections -----------------------------------------------------------------

@transaction.atomic
def objection_record(*, by, application: Application, text: str, received_on: dt.date) -> Objection:
    """Record an objection received during the public notice against an application on notice."""
    selection_round = _managed_round(by, application.round)
    _require_status(selection_round, RoundStatus.NOTICE)
    application = Application.objects.get(pk=application.pk, round=selection_round)
    if not application.on_notice:
        raise ValidationError({"application": _("%(society)s is not on the public notice.")
                               % {"society": application.society}})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write what the objection says.")})
    if not isinstance(received_on, dt.date) or not (
            selection_round.notice_starts_on <= received_on <= selection_round.notice_ends_on):
        raise ValidationError({"received_on": _("An objection must be received during the public notice, "
                                                "%(start)s to %(end)s.")
                               % {"start": _day(selection_round.notice_starts_on),
                                  "end": _day(selection_round.notice_ends_on)}})
    objection = Objection.objects.create(round=selection_round, application=application, text=text,
                                         received_on=received_on, recorded_by=by)
    audit_record(action="objection", by=by, obj=objection, new={"application": application.pk, "text": text,
                                                                "received_on": received_on})
    return objection


@transaction.atomic
def objection_handle(*, by, objection: Objection, handling: str, upheld: bool) -> Objection:
    """Record how an objection was handled and whether it was upheld (an upheld objection keeps the
    application from being selected)."""
    selection_round = _managed_round(by, objection.round)
    _require_status(selection_round, RoundStatus.NOTICE)
    objection = Objection.objects.select_for_update().get(pk=objection.pk, round=selection_round)
    handling = (handling or "").strip()
    if not handling:
        raise ValidationError({"handling": _("Say how the objection was handled.")})
    if not isinstance(upheld, bool):
        raise ValidationError({"upheld": _("Say whether the objection is upheld.")})
    old = {"handling": objection.handling, "upheld": objection.upheld}
    objection.handling, objection.upheld = handling, upheld
    objection.handled_by, objection.handled_at = by, timezone.now()
    objection.save(update_fields=["handling", "upheld", "handled_by", "handled_at"])
    audit_record(action="objection_handle", by=by, obj=objection, old=old,
                 new={"handling": handling, "upheld": upheld})
    return objection


# --- "四个一批" -----------------------------------------------------------------------------------

def _flags_update(societies, *, year: int, today: dt.date) -> dict:
    """Evaluate every active rule on ``societies`` (a queryset of profiles) for ``year`` and bring
    their open flags in line: open, update or resolve. The caller holds the transaction."""
    now = timezone.now()
    active = list(FlagRule.objects.filter(active=True))
    facts = rules.load_facts(societies, year=year, today=today)
    fired = {}
    for society_id, society in facts.items():
        for rule in active:
            found = rules.evaluate(rule, society, year=year, today=today)
            if found is not None:
                fired[(society_id, rule.pk)] = found
    open_flags = {(f.society_id, f.rule_id): f for f in SocietyFlag.objects.select_for_update().filter(
        society__in=societies.values("pk"), status=FlagStatus.OPEN)}
    created, changed = [], []
    for key, found in fired.items():
        flag = open_flags.get(key)
        if flag is None:
            created.append(SocietyFlag(society_id=key[0], rule_id=key[1], year=year, facts=found, computed_at=now))
        elif flag.facts != found or flag.year != year:
            flag.facts, flag.year, flag.computed_at = found, year, now
            changed.append(flag)
    resolved = [flag.pk for key, flag in open_flags.items() if key not in fired]
    SocietyFlag.objects.bulk_create(created)
    SocietyFlag.objects.bulk_update(changed, ["facts", "year", "computed_at"])
    SocietyFlag.objects.filter(pk__in=resolved).update(status=FlagStatus.RESOLVED, resolved_at=now)
    return {"year": year, "societies": len(facts), "opened": len(created), "updated": len(changed),
            "resolved": len(resolved), "open": len(fired)}


def flags_compute(*, year: int, today: dt.date | None = None, by=None) -> dict:
    """Evaluate every active rule on every society (those in ``by``'s ``evaluation.manage`` scope
    when ``by`` is given) for ``year`` and refresh the flags: a rule that fires opens a flag or
    updates the open one's facts; an open flag whose rule no longer fires (or is switched off) is
    resolved, never deleted. Running it again on the same facts changes nothing. A fixed number
    of queries whatever the number of societies."""
    today = _today(today)
    if by is not None:
        _require(by, "evaluation.manage")
        societies = SocietyProfile.objects.restrict(by, "evaluation.manage")
    else:
        societies = SocietyProfile.objects.all()
    with transaction.atomic():
        summary = _flags_update(societies, year=year, today=today)
        audit_record(action="flags_compute", by=by, object_type=SocietyFlag._meta.label_lower,
                     object_repr=_("Four-batch flags %(year)d") % {"year": year}, new=summary)
    return summary


def flags_refresh(*, society_ids, by, today: dt.date | None = None) -> dict:
    """Recompute the flags of a few societies right after their facts changed (an annual report
    filed, returned or accepted), as the daily run would for them (the year of
    :func:`kexie.selection.rules.flag_year`), so that a flag that no longer holds is resolved at
    once. Not a permission of its own: it follows a change ``by`` was allowed to make. Writes an
    audit row only when a flag changed."""
    today = _today(today)
    year = rules.flag_year(today)
    societies = SocietyProfile.objects.filter(pk__in=list(society_ids))
    with transaction.atomic():
        summary = _flags_update(societies, year=year, today=today)
        if summary["opened"] or summary["updated"] or summary["resolved"]:
            audit_record(action="flags_refresh", by=by, object_type=SocietyFlag._meta.label_lower,
                         object_repr=_("Four-batch flags %(year)d") % {"year": year},
                         new={**summary, "society_ids": sorted(society_ids)})
    return summary


@transaction.atomic
def flag_decide(*, by, flag: SocietyFlag, action: str, note: str, deadline: dt.date | None = None,
                dissolve: bool = False, confirmed: bool = False) -> FlagDecision:
    """Record the association's decision on a flag (rectify, wind up, keep, admit as group member)
    with a note and a deadline. A decision to wind up dissolves the society's organisation only
    when asked to and confirmed; the status change goes through the organisations' service and
    its history."""
    _require(by, "evaluation.manage")
    flag = access_object(SocietyFlag.objects.select_related("society__organization", "rule"), by,
                         "evaluation.manage", pk=flag.pk)
    if action not in DecisionAction.values:
        raise ValidationError({"action": _("Choose the decision.")})
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write the reasons for the decision.")})
    if deadline is not None and not isinstance(deadline, dt.date):
        raise ValidationError({"deadline": _("Give the deadline as a date.")})
    if action == DecisionAction.RECTIFY and deadline is None:
        raise ValidationError({"deadline": _("Give the deadline for the rectification.")})
    if dissolve and action != DecisionAction.WIND_UP:
        raise ValidationError({"dissolve": _("Only a decision to wind up can dissolve the society.")})
    if dissolve and not confirmed:
        raise ValidationError({"confirmed": _("Confirm that %(society)s is to be dissolved.")
                               % {"society": flag.society.organization.name}})
    decision = FlagDecision.objects.create(flag=flag, action=action, note=note, deadline=deadline,
                                           dissolved=bool(dissolve), decided_by=by)
    audit_record(action="decide", by=by, obj=flag, new={"action": action, "note": note, "deadline": deadline,
                                                        "dissolve": bool(dissolve)})
    if dissolve and flag.society.organization.status != OrgStatus.DISSOLVED:
        # Dissolving is an organisation status change: it needs what the organisation pages need.
        _require(by, "org.deactivate")
        organization = access_object(Organization, by, "org.deactivate", pk=flag.society.organization_id)
        organization_set_status(by=by, organization=organization, status=OrgStatus.DISSOLVED,
                                reason=(_("Four-batch decision: wind up. %(note)s") % {"note": note})[:300])
    return decision
