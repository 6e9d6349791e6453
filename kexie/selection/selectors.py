"""Reads of the selection rounds: who sees what, eligibility, conflicts of interest, the ranking.

Who sees a round:

* the staff of the organising association or above (``society.view`` over its organisation)
  see everything in it;
* an expert on its panel sees the round and its applications, scoring those not recused;
* a society secretary (``annual_report.submit``) sees rounds run by an association above their
  society once they are open, and only their own society's application.

Every read below takes a fixed number of queries whatever the number of applications.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.models import Position
from kexie.evaluation.selectors import final_results
from kexie.experts_engine.conflicts import check as conflict_check
from kexie.experts_engine.model import Expert, Target
from kexie.organizations.models import OrganizationClosure
from kexie.societies.models import (
    AnnualInspection,
    AnnualReport,
    AnnualReportStatus,
    BodyKind,
    BodyMember,
    GoverningBody,
    InspectionResult,
    SocietyProfile,
)

from .models import (
    NEGATIVE_KINDS,
    Application,
    DeclaredConflict,
    ExpertScore,
    FlagStatus,
    PanelMember,
    RoundStatus,
    SelectionRound,
    SocietyFlag,
)

_PLACES = Decimal("0.01")


# --- visibility -----------------------------------------------------------------------------------

def _above_own_organization(user):
    return OrganizationClosure.objects.filter(descendant_id=user.organization_id).values("ancestor_id")


def rounds_visible(user):
    """Every round ``user`` may open (see the module docstring)."""
    if user is None or not user.is_authenticated:
        return SelectionRound.objects.none()
    staff = SelectionRound.objects.restrict(user, "society.view").values("pk")
    q = Q(pk__in=staff)
    if user.has_code("evaluation.score"):  # as for the applications: a withdrawn expert sees neither
        q |= Q(panel__expert=user) & ~Q(status=RoundStatus.DRAFT)
    if user.has_code("annual_report.submit") and user.organization_id:
        q |= Q(organization_id__in=_above_own_organization(user)) & ~Q(status=RoundStatus.DRAFT)
    return SelectionRound.objects.filter(pk__in=SelectionRound.objects.filter(q).values("pk"))


def is_staff_of(user, selection_round: SelectionRound, code: str = "society.view") -> bool:
    """Whether ``user`` holds ``code`` over the round's organising association."""
    return SelectionRound.objects.restrict(user, code).filter(pk=selection_round.pk).exists()


def is_panel_expert(user, selection_round: SelectionRound) -> bool:
    return (user.has_code("evaluation.score")
            and PanelMember.objects.filter(round=selection_round, expert=user).exists())


def applications_visible(user):
    """Every application ``user`` may open: all of a round they are staff or an expert of, or
    their own society's."""
    if user is None or not user.is_authenticated:
        return Application.objects.none()
    staff = SelectionRound.objects.restrict(user, "society.view").values("pk")
    q = Q(round__in=staff)
    if user.has_code("evaluation.score"):
        q |= Q(round__panel__expert=user) & ~Q(round__status=RoundStatus.DRAFT)
    own = Application.objects.restrict(user, "annual_report.submit").values("pk")
    q |= Q(pk__in=own)
    return Application.objects.filter(pk__in=Application.objects.filter(q).values("pk"))


def applications_of_round(user, selection_round: SelectionRound):
    return applications_visible(user).filter(round=selection_round).select_related("society__organization")


def expert_assignments(user):
    """The applications of the rounds in review (or later) whose panel ``user`` sits on."""
    return (Application.objects.filter(round__panel__expert=user)
            .exclude(round__status__in=[RoundStatus.DRAFT, RoundStatus.OPEN])
            .select_related("round", "society__organization").order_by("-round__year", "round_id", "id"))


def reviews_to_do(user):
    """待评审: the applications ``user`` is to score — in a round under expert review whose panel
    they sit on, eligible, not yet scored by them, and not one they must be recused from — in
    the order they were submitted. The expert's own list; the home page counts it. Seven
    queries (the recusals are those of :func:`conflicts`)."""
    if user is None or not user.is_authenticated or not user.has_code("evaluation.score"):
        return Application.objects.none()
    candidates = (Application.objects.filter(round__panel__expert=user, round__status=RoundStatus.REVIEW,
                                              eligible=True)
                  .exclude(scores__expert=user)
                  .select_related("round", "society__organization").order_by("round_id", "id"))
    recused = [pk for pk, _expert in conflicts(list(candidates), [user])]
    return candidates.exclude(pk__in=recused)


# --- the final evaluation result ------------------------------------------------------------------

def platform_results(selection_round: SelectionRound, society_ids) -> dict[int, tuple[Decimal, str]]:
    """The final evaluation (score, grade) of the round's basis year for each society the
    organising association evaluated on the platform and finalised. One query."""
    return final_results(selection_round.basis_year, societies=list(society_ids),
                         organization=selection_round.organization_id)


def evaluation_results(applications) -> dict[int, tuple[Decimal | None, str]]:
    """The final evaluation (score, grade) of the basis year on each application, keyed by
    application id: the platform's finalised evaluation, copied onto the application at each
    check, or, for a society not evaluated on the platform, the result the organising association
    entered."""
    return {a.pk: (a.evaluation_score, a.evaluation_grade) for a in applications}


# --- eligibility ----------------------------------------------------------------------------------

@dataclass
class CriterionResult:
    criterion: str
    passed: bool
    reason: str

    def as_json(self) -> dict:
        return {"criterion": self.criterion, "passed": self.passed, "reason": self.reason}


def _score_text(value) -> str:
    return f"{Decimal(value).quantize(_PLACES, rounding=ROUND_HALF_UP).normalize():f}"


def check_eligibility(selection_round: SelectionRound, applications: list[Application]) -> dict[int, list[CriterionResult]]:
    """Each application's result against each of the round's criteria, with the reason; keyed by
    application id. Four queries whatever the number of applications."""
    year = selection_round.basis_year
    society_ids = [a.society_id for a in applications]
    results_of = evaluation_results(applications)
    inspection_years = list(range(year - selection_round.inspection_years + 1, year + 1))
    inspections: dict[int, dict[int, str]] = {}
    for society_id, each, result in AnnualInspection.objects.filter(
            society__in=society_ids, year__in=inspection_years).values_list("society_id", "year", "result"):
        inspections.setdefault(society_id, {})[each] = result
    accepted = set(AnnualReport.objects.filter(society__in=society_ids, year=year,
                                               status=AnnualReportStatus.ACCEPTED).values_list("society_id", flat=True))
    flags: dict[int, list[str]] = {}
    for society_id, rule_name in SocietyFlag.objects.filter(
            society__in=society_ids, status=FlagStatus.OPEN, rule__kind__in=NEGATIVE_KINDS).values_list(
            "society_id", "rule__name"):
        flags.setdefault(society_id, []).append(rule_name)

    checked = {}
    for application in applications:
        rows = []
        score, grade = results_of[application.pk]
        if selection_round.min_score is not None or selection_round.grades:
            rows.append(_evaluation_result(selection_round, year, score, grade))
        if selection_round.inspection_years:
            had = inspections.get(application.society_id, {})
            failed = [str(each) for each in inspection_years if had.get(each) != InspectionResult.QUALIFIED]
            rows.append(CriterionResult("inspection", not failed, _(
                "Annual inspection not rated qualified (or not taken) in %(years)s.") % {"years": "、".join(failed)}
                if failed else _("Annual inspection qualified in %(years)s.")
                % {"years": "、".join(str(each) for each in inspection_years)}))
        if selection_round.require_no_flag:
            open_flags = flags.get(application.society_id, [])
            rows.append(CriterionResult("flags", not open_flags, _("Open four-batch flags: %(rules)s.")
                                        % {"rules": "；".join(open_flags)} if open_flags
                                        else _("No open dormant or zombie flag.")))
        if selection_round.require_report:
            ok = application.society_id in accepted
            rows.append(CriterionResult("report", ok, (_("The %(year)d annual report was accepted.") if ok else
                                                       _("No accepted annual report for %(year)d.")) % {"year": year}))
        checked[application.pk] = rows
    return checked


def _evaluation_result(selection_round, year, score, grade) -> CriterionResult:
    if score is None and not grade:
        return CriterionResult("evaluation", False, _("No final evaluation result for %(year)d.") % {"year": year})
    problems = []
    if selection_round.min_score is not None and (score is None or score < selection_round.min_score):
        problems.append(_("score %(score)s is below the minimum of %(minimum)s")
                        % {"score": _score_text(score) if score is not None else "—",
                           "minimum": _score_text(selection_round.min_score)})
    if selection_round.grades and grade not in selection_round.grades:
        problems.append(_("grade %(grade)s is not among %(grades)s")
                        % {"grade": grade or "—", "grades": "、".join(selection_round.grades)})
    values = {"year": year, "score": _score_text(score) if score is not None else "—",
              "grade": f" ({grade})" if grade else ""}
    if problems:
        values["problems"] = _("; ").join(problems)
        return CriterionResult("evaluation", False,
                               _("Final evaluation for %(year)d: %(score)s%(grade)s; %(problems)s.") % values)
    return CriterionResult("evaluation", True, _("Final evaluation for %(year)d: %(score)s%(grade)s.") % values)


# --- conflicts of interest ------------------------------------------------------------------------

def society_conflicts(society_ids, experts, *, today: dt.date | None = None) -> dict[tuple[int, int], list[str]]:
    """Why each expert may not judge each society, as ``{(society id, expert id): [reason, …]}``
    (absent when there is no conflict): their own organisation is the society or one of its
    branches, they hold a current position in it, or their name is on its current council.

    Selection scoring and evaluation review both ask this, and it asks the platform's one
    conflict check (:func:`kexie.experts_engine.conflicts.check`, which the review panels use
    too): the society is the unit under review with its tree path, each expert's unit has its
    own, current positions are units held outside, and the council's members are the unit's
    office holders. Only rules about the society itself apply: a unit *above* the society (the
    national association's own staff) is no conflict here. Five queries."""
    today = today or timezone.localdate()
    society_ids = set(society_ids)
    if not society_ids or not experts:
        return {}
    expert_ids = [e.pk for e in experts]
    subtree: dict[int, set[int]] = {}  # organisation id -> the societies it belongs to (self or branch)
    for ancestor, descendant in OrganizationClosure.objects.filter(ancestor_id__in=society_ids).values_list(
            "ancestor_id", "descendant_id"):
        subtree.setdefault(descendant, set()).add(ancestor)
    positions: dict[int, dict[int, list[str]]] = {}  # expert -> organisation -> titles
    for user_id, org_id, title in (Position.objects.filter(user_id__in=expert_ids, organization_id__in=subtree)
                                   .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
                                   .values_list("user_id", "organization_id", "title")):
        positions.setdefault(user_id, {}).setdefault(org_id, []).append(title)
    council_names = _current_council_names(society_ids)
    paths = _tree_paths(society_ids | {e.organization_id for e in experts if e.organization_id})

    def unit(org_id) -> str:
        return f"#{org_id}"

    targets = [Target(id=society, org_path=paths.get(society, (society,)),
                      units=tuple(unit(o) for o, societies in subtree.items() if society in societies),
                      office_holders=tuple(council_names.get(society, {}).items()))
               for society in sorted(society_ids)]
    engine_experts = [Expert(id=e.pk, name=(e.full_name or "").strip(),
                             org_path=paths.get(e.organization_id, ()) if e.organization_id else (),
                             outside_units=tuple(unit(o) for o in positions.get(e.pk, {})))
                      for e in experts]
    found: dict[tuple[int, int], list[str]] = {}
    for conflict in conflict_check(engine_experts, targets, today=today):
        code, key = conflict.reason_code, (conflict.target_id, conflict.expert_id)
        if code in ("same_unit", "child_unit"):
            reason = _("the expert works for the society or one of its branches")
        elif code == "outside_unit":
            titles = [t for o, ts in positions[conflict.expert_id].items()
                      if conflict.target_id in subtree.get(o, ()) for t in ts]
            reason = _("the expert holds a position in the society (%(title)s)") % {"title": "、".join(titles)}
        elif code == "office_holder":
            reason = _("the expert is on the society's current council (%(post)s)") % {
                "post": conflict.detail["title"]}
        else:
            continue
        reasons = found.setdefault(key, [])
        if reason not in reasons:
            reasons.append(reason)
    return found


def _tree_paths(org_ids) -> dict[int, tuple[int, ...]]:
    """Each organisation's path of ids from the root down to itself."""
    paths: dict[int, list[int]] = {}
    for descendant, ancestor in (OrganizationClosure.objects.filter(descendant_id__in=set(org_ids))
                                 .order_by("descendant_id", "-depth").values_list("descendant_id", "ancestor_id")):
        paths.setdefault(descendant, []).append(ancestor)
    return {k: tuple(v) for k, v in paths.items()}


def conflicts(applications: list[Application], experts: list, *, today: dt.date | None = None) -> dict:
    """Why each expert must be recused from each application, as ``{(application id, expert id):
    [reason, …]}`` (absent when there is no conflict): a conflict they declared on it, and those of
    :func:`society_conflicts` with its society. Five queries."""
    if not applications or not experts:
        return {}
    expert_ids = [e.pk for e in experts]
    declared = {(row[0], row[1]): row[2] for row in DeclaredConflict.objects.filter(
        application__in=[a.pk for a in applications], expert_id__in=expert_ids).values_list(
        "application_id", "expert_id", "reason")}
    with_society = society_conflicts({a.society_id for a in applications}, experts, today=today)
    found: dict[tuple[int, int], list[str]] = {}
    for application in applications:
        for expert in experts:
            key = (application.pk, expert.pk)
            reasons = []
            if key in declared:
                reasons.append(_("declared by the expert: %(reason)s") % {"reason": declared[key]})
            reasons += with_society.get((application.society_id, expert.pk), [])
            if reasons:
                found[key] = reasons
    return found


def _current_council_names(society_ids) -> dict[int, dict[str, str]]:
    """For each society, the names on its latest council term with their posts."""
    latest: dict[int, int] = {}
    for body_id, society_id in (GoverningBody.objects.filter(society__in=society_ids, kind=BodyKind.COUNCIL)
                                .order_by("society_id", "-term_number").values_list("pk", "society_id")):
        latest.setdefault(society_id, body_id)
    names: dict[int, dict[str, str]] = {}
    bodies = {body_id: society_id for society_id, body_id in latest.items()}
    for body_id, name, post in BodyMember.objects.filter(body_id__in=bodies).values_list("body_id", "name", "post"):
        names.setdefault(bodies[body_id], {})[name.strip()] = post
    return names


# --- ranking --------------------------------------------------------------------------------------

@dataclass
class RankRow:
    application: Application
    scores: list = field(default_factory=list)  # (expert, score or None, recused reasons)
    average: Decimal | None = None
    counted: int = 0
    rank: int | None = None


def ranking(selection_round: SelectionRound, *, applications=None, today: dt.date | None = None) -> list[RankRow]:
    """The round's applications with every panel expert's score, the recused ones left out of the
    average, ranked by average (eligible applications with at least one counted score; ties share
    a rank; the quota is cut in this order, equal averages by the higher evaluation score, then by
    who applied first). Unranked applications follow, in the order they were submitted."""
    if applications is None:
        applications = list(selection_round.applications.select_related("society__organization").order_by("id"))
    experts = [member.expert for member in PanelMember.objects.filter(round=selection_round)
               .select_related("expert").order_by("id")]
    recusals = conflicts(applications, experts, today=today)
    given = {(s.application_id, s.expert_id): s for s in ExpertScore.objects.filter(application__in=applications)}
    rows = []
    for application in applications:
        row = RankRow(application=application)
        counted = []
        for expert in experts:
            score = given.get((application.pk, expert.pk))
            reasons = recusals.get((application.pk, expert.pk), [])
            row.scores.append({"expert": expert, "score": score, "recused": reasons})
            if score is not None and not reasons:
                counted.append(score.score)
        if counted:
            row.average = (sum(counted) / len(counted)).quantize(_PLACES, rounding=ROUND_HALF_UP)
            row.counted = len(counted)
        rows.append(row)
    ranked = sorted((r for r in rows if r.application.eligible and r.average is not None),
                    key=lambda r: (-r.average, -(r.application.evaluation_score or 0), r.application.pk))
    previous, position = None, 0
    for index, row in enumerate(ranked, start=1):
        if row.average != previous:
            position, previous = index, row.average
        row.rank = position
    unranked = [r for r in rows if r.rank is None]
    return ranked + unranked


def society_choices_for_applicant(user, selection_round: SelectionRound):
    """The societies ``user`` may apply for in the round: in their ``annual_report.submit`` scope
    and under the organising association."""
    below = OrganizationClosure.objects.filter(ancestor_id=selection_round.organization_id).values("descendant_id")
    return (SocietyProfile.objects.restrict(user, "annual_report.submit").filter(organization_id__in=below)
            .select_related("organization").order_by("organization__name"))
