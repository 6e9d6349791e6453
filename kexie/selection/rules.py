"""The checks behind the "四个一批" rules, and the facts they read.

Each :class:`~kexie.selection.models.FlagRule` names its check by ``code``; a check takes the
rule's parameters, the facts of one society (:class:`SocietyFacts`) and the evaluation year, and
returns the facts that fired — ``{"2024": "未参检", "2025": "未报年报"}`` — or ``None``.

The facts are a record kept with the flag, written as the registry writes them (in Chinese, like
a document number), so that a flag reads the same whatever the reader's language and still says
what fired after the data it was computed from has changed.

:func:`load_facts` gathers everything the checks read for any number of societies in a fixed
number of queries.
"""

import datetime as dt
from dataclasses import dataclass, field

from kexie.organizations.models import OrgStatus
from kexie.societies.models import AnnualInspection, AnnualReport, AnnualReportStatus, InspectionResult, ReportYear
from kexie.societies.selectors import overdue_council_terms

# How many years of reports and inspections the checks may look back over.
LOOKBACK_YEARS = 5

NOT_INSPECTED = "未参检"
NOT_QUALIFIED = "年检不合格"
NO_REPORT = "未报年报"
LATE_NOT_ACCEPTED = "年报逾期报送，待审核"
NO_ACTIVITY = "无学术和科普活动"


def flag_year(today: dt.date) -> int:
    """The year the daily run evaluates: last year (its reports are due in the spring)."""
    return today.year - 1


@dataclass
class SocietyFacts:
    """What the checks know about one society."""

    society_id: int
    registered_on: dt.date | None
    reachable: bool
    unreachable_since: dt.date | None
    dissolved: bool
    dormant: bool = False  # the organisation's status is dormant
    # year -> (status, academic + popular-science events, filed late)
    reports: dict[int, tuple[str, int, bool]] = field(default_factory=dict)
    inspections: dict[int, str] = field(default_factory=dict)  # year -> result
    overdue_term: tuple[int, dt.date] | None = None  # (term number, term_ends_on)
    report_due: dict[int, dt.date] = field(default_factory=dict)  # year -> due date of its collecting round

    def filed(self, year: int) -> bool:
        """The report for ``year`` counts as filed: accepted, or submitted by its due date. A late
        report counts once the association accepts it (late filing needs its approval)."""
        status, _events, late = self.reports.get(year, ("", 0, False))
        return status == AnnualReportStatus.ACCEPTED or (status == AnnualReportStatus.SUBMITTED and not late)

    def activity(self, year: int) -> int | None:
        """Academic and popular-science events of the report filed for ``year``, or None when none
        is filed."""
        return self.reports[year][1] if self.filed(year) else None

    def missing_report(self, year: int, today: dt.date) -> str | None:
        """What the facts say of a report for ``year`` that is not filed once its round is past due:
        未报年报, or that a late one waits for the association's acceptance; None otherwise."""
        if self.filed(year) or self.report_pending(year, today):
            return None
        status, _events, late = self.reports.get(year, ("", 0, False))
        return LATE_NOT_ACCEPTED if late and status == AnnualReportStatus.SUBMITTED else NO_REPORT

    def report_pending(self, year: int, today: dt.date) -> bool:
        """The year's round is still running: a report not filed yet is not missing yet."""
        due = self.report_due.get(year)
        return due is not None and today <= due

    def registered_by(self, year: int) -> bool:
        return self.registered_on is None or self.registered_on.year <= year


def load_facts(societies, *, year: int, today: dt.date) -> dict[int, SocietyFacts]:
    """The facts of ``societies`` (a queryset of profiles): four queries whatever their number."""
    facts = {
        row["pk"]: SocietyFacts(society_id=row["pk"], registered_on=row["registered_on"], reachable=row["reachable"],
                                unreachable_since=row["unreachable_since"],
                                dissolved=row["organization__status"] == OrgStatus.DISSOLVED,
                                dormant=row["organization__status"] == OrgStatus.DORMANT)
        for row in societies.values("pk", "registered_on", "reachable", "unreachable_since", "organization__status")
    }
    parents = dict(societies.values_list("pk", "organization__parent_id"))
    ids = societies.values("pk")
    first = year - LOOKBACK_YEARS
    reports = AnnualReport.objects.filter(society__in=ids, year__gte=first, year__lte=year).values_list(
        "society_id", "year", "status", "academic_events", "popsci_events", "late")
    for society_id, report_year, status, academic, popsci, late in reports:
        facts[society_id].reports[report_year] = (status, (academic or 0) + (popsci or 0), late)
    inspections = AnnualInspection.objects.filter(society__in=ids, year__gte=first, year__lte=year).values_list(
        "society_id", "year", "result")
    for society_id, inspection_year, result in inspections:
        facts[society_id].inspections[inspection_year] = result
    overdue = overdue_council_terms(today).filter(society__in=ids).values_list("society_id", "term_number",
                                                                               "term_ends_on")
    for society_id, term_number, ends_on in overdue:
        facts[society_id].overdue_term = (term_number, ends_on)
    rounds = {}
    for organization_id, round_year, due_on in ReportYear.objects.filter(
            organization_id__in=set(parents.values()), year__gte=first, year__lte=year).values_list(
            "organization_id", "year", "due_on"):
        rounds.setdefault(organization_id, {})[round_year] = due_on
    for society_id, parent_id in parents.items():
        facts[society_id].report_due = rounds.get(parent_id, {})
    return facts


def _years(year: int, count: int) -> list[int]:
    return list(range(year - count + 1, year + 1))


# --- the checks -----------------------------------------------------------------------------------

def no_activity(params: dict, society: SocietyFacts, year: int, today: dt.date):
    """休眠: no annual report filed for the year once its round is past due, or fewer academic and
    popular-science events than ``min_events`` (default 1) in the report filed."""
    if not society.registered_by(year):
        return None
    events = society.activity(year)
    if events is None:
        missing = society.missing_report(year, today)
        return None if missing is None else {str(year): missing}
    if events < params.get("min_events", 1):
        return {str(year): NO_ACTIVITY if events == 0 else f"学术和科普活动{events}次"}
    return None


def council_overdue(params: dict, society: SocietyFacts, year: int, today: dt.date):
    """休眠: the latest council term ended before today with no newer term (换届逾期)."""
    if society.overdue_term is None:
        return None
    term_number, ends_on = society.overdue_term
    return {f"第{term_number}届理事会": f"任期已于{ends_on.isoformat()}届满，未换届"}


def missed_inspection_or_report(params: dict, society: SocietyFacts, year: int, today: dt.date):
    """僵尸: in each of the last ``years`` years (default 2) the society missed its annual
    inspection (未参检) or filed no annual report (未报年报). Years before it was registered do not
    count, so a society younger than the window is not flagged."""
    years = _years(year, params.get("years", 2))
    if not society.registered_by(years[0]):
        return None
    fired = {}
    for each in years:
        missed = []
        if society.inspections.get(each, InspectionResult.NOT_INSPECTED) == InspectionResult.NOT_INSPECTED:
            missed.append(NOT_INSPECTED)
        missing = society.missing_report(each, today)
        if missing is not None:
            missed.append(missing)
        if not missed:
            return None
        fired[str(each)] = "、".join(missed)
    return fired


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def no_activity_after_registration(params: dict, society: SocietyFacts, year: int, today: dt.date):
    """僵尸: registered within the last ``within_years`` years (default 3), ``months`` (default 12)
    have passed since, and no academic or popular-science event was reported for the years in
    between."""
    registered = society.registered_on
    if registered is None:
        return None
    window_ends = _add_months(registered, params.get("months", 12))
    if window_ends > today or registered < _add_months(today, -12 * params.get("within_years", 3)):
        return None
    years = range(registered.year, min(window_ends.year, year) + 1)
    if any((society.activity(each) or 0) > 0 for each in years):
        return None
    fired = {"登记日期": registered.isoformat()}
    for each in years:
        fired[str(each)] = NO_ACTIVITY if society.activity(each) is not None else NO_REPORT
    return fired


def unreachable(params: dict, society: SocietyFacts, year: int, today: dt.date):
    """僵尸: the society cannot be contacted (失联)."""
    if society.reachable:
        return None
    since = society.unreachable_since
    return {"失联": f"自{since.isoformat()}起" if since else "是"}


def well_run(params: dict, society: SocietyFacts, year: int, today: dt.date):
    """吸纳: qualified annual inspection in each of the last ``years`` years (default 2) and at
    least ``min_events`` (default 40) academic and popular-science events in the accepted report.
    A society whose organisation is dormant is not counted as well run."""
    if society.dormant:
        return None
    years = _years(year, params.get("years", 2))
    if any(society.inspections.get(each) != InspectionResult.QUALIFIED for each in years):
        return None
    events = society.activity(year)
    if events is None or events < params.get("min_events", 40):
        return None
    fired = {str(each): "年检合格" for each in years}
    fired[str(year)] += f"，学术和科普活动{events}次"
    return fired


CHECKS = {
    "no_activity": no_activity,
    "council_overdue": council_overdue,
    "missed_inspection_or_report": missed_inspection_or_report,
    "no_activity_after_registration": no_activity_after_registration,
    "unreachable": unreachable,
    "well_run": well_run,
}

# The rules an installation starts with: (code, kind, name, parameters). Their names are data
# shown as written, like the facts.
DEFAULT_RULES = [
    ("no_activity", "dormant", "一年内未开展学术和科普活动或逾期未报年报", {"min_events": 1}),
    ("council_overdue", "dormant", "理事会任期届满未按期换届", {}),
    ("missed_inspection_or_report", "zombie", "连续两年未参加年检或未报送年报", {"years": 2}),
    ("no_activity_after_registration", "zombie", "登记后一年内未开展活动", {"months": 12, "within_years": 3}),
    ("unreachable", "zombie", "无法取得联系（失联）", {}),
    ("well_run", "well_run", "连续两年年检合格且活动活跃，可吸纳为团体会员", {"years": 2, "min_events": 40}),
]


def ensure_default_rules(rule_model=None) -> None:
    """Create the default rules that are missing (idempotent; used by a migration and the demo).
    A rule already there keeps the parameters the association set."""
    if rule_model is None:
        from .models import FlagRule as rule_model
    for position, (code, kind, name, parameters) in enumerate(DEFAULT_RULES, start=1):
        rule_model.objects.get_or_create(code=code, defaults={"kind": kind, "name": name, "parameters": parameters,
                                                              "position": position})


def evaluate(rule, society: SocietyFacts, *, year: int, today: dt.date):
    """The facts with which ``rule`` fires on ``society``, or None. Dissolved societies fire nothing."""
    if society.dissolved:
        return None
    return CHECKS[rule.code](rule.parameters or {}, society, year, today)
