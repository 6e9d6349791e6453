"""`kexie demo`: idempotent, built through the services, its accounts really sign in, and its
story dated from the day it is loaded: loaded in January, July or December it has the same shape."""

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from docx import Document

from kexie.accounts.models import PasswordHistory, User
from kexie.audit.models import AuditLog
from kexie.core.demo.data import ACCOUNTS
from kexie.core.officialdoc import chinese_date
from kexie.dashboard.meeting_pack import meeting_pack_export
from kexie.dashboard.selectors import cycles_for, trend
from kexie.core.validators import is_valid_credit_code
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.tracking.models import (
    Cascade,
    DeferralRequest,
    DeferralStatus,
    Instruction,
    NoticeStatus,
    ProgressReport,
    ReportingCycle,
    ReportStatus,
    SupervisionNotice,
    TaskSnapshot,
)
from kexie.tracking.selectors import unfiled
from kexie.tracking.services import issuer_of

BUSINESS = ["national_clerk", "society_dept_clerk", "popsci_clerk", "office_head", "xinzheng_clerk",
            "provincial_clerk", "county_clerk",
            "society_secretary", "review_expert"]
ADMINS = ["sysadmin", "secadmin", "auditadmin"]
# A load early in the year (the story is last year's plan, its December the latest closed
# cycle), one in mid-year and one in December.
DAYS = [dt.date(2027, 1, 15), dt.date(2026, 7, 10), dt.date(2026, 12, 7)]


def run_demo(day: dt.date) -> str:
    out = io.StringIO()
    call_command("demo", date=day.isoformat(), stdout=out)
    return out.getvalue()


def printed_passwords(output: str) -> dict[str, str]:
    """username -> password, read from the account table the command prints."""
    usernames = {account.username for account in ACCOUNTS}
    result = {}
    for line in output.splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if cells and cells[0] in usernames:
            result[cells[0]] = cells[1]
    return result


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Organization, OrganizationClosure, User, PasswordHistory, AuditLog)}


@pytest.fixture(scope="module", params=DAYS, ids=str)
def _demo_loaded(request, django_db_setup, django_db_blocker):
    """Load the demo once per day of :data:`DAYS` for this module (it takes seconds), inside a
    transaction that is rolled back afterwards; each test still runs in its own savepoint."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield request.param, run_demo(request.param)
        transaction.set_rollback(True)


@pytest.fixture
def loaded(_demo_loaded, db):
    return _demo_loaded


@pytest.fixture
def demo_output(loaded):
    return loaded[1]


@pytest.fixture
def day(loaded) -> dt.date:
    return loaded[0]


def test_it_runs_twice_and_the_second_run_changes_nothing(demo_output, day):
    before = counts()
    snapshot = list(Organization.objects.order_by("pk").values())
    snapshots = list(TaskSnapshot.objects.order_by("pk").values())
    second = run_demo(day)
    # Nor does a run on another day: the story stays as it was first loaded.
    run_demo(day + dt.timedelta(days=40))
    assert counts() == before
    assert list(Organization.objects.order_by("pk").values()) == snapshot
    assert list(TaskSnapshot.objects.order_by("pk").values()) == snapshots
    assert printed_passwords(second) == printed_passwords(demo_output)


def test_it_builds_the_network_through_the_services(demo_output):
    orgs = Organization.objects.count()
    assert orgs > 80
    # One audit row per organisation created, and a closure row for every ancestor pair.
    assert AuditLog.objects.filter(action="create", object_type="organizations.organization").count() == orgs
    for org in Organization.objects.all():
        assert org.ancestors().count() == org.depth
    assert OrganizationClosure.objects.filter(depth=0).count() == orgs


def test_it_covers_every_kind_of_organisation(demo_output):
    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert {"national_association", "provincial_association", "city_association", "county_association",
            "township_association", "national_society", "provincial_society", "society_branch",
            "university_association", "enterprise_association", "park_association",
            "institute_association", "rural_tech_association", "department", "affiliated_unit"} <= kinds
    assert Organization.objects.filter(kind="provincial_association").count() == 3


def test_every_legal_entity_has_a_valid_credit_code(demo_output):
    codes = list(Organization.objects.exclude(credit_code="").values_list("credit_code", flat=True))
    assert len(codes) > 30
    assert all(is_valid_credit_code(code) for code in codes)
    assert len(set(codes)) == len(codes)
    assert not Organization.objects.filter(kind__in=["society_branch", "department"]).exclude(
        credit_code="").exists()


@pytest.mark.parametrize(("alias", "name"), [
    ("组人部", "组织人事部"), ("学会部", "学会学术部"), ("科普部", "科学技术普及部"),
    ("调宣部", "调研宣传部"), ("国际部", "国际联络部"), ("计财部", "计划财务部"),
])
def test_a_department_alias_finds_the_national_department(demo_output, alias, name):
    cast = Organization.objects.get(parent=None, short_name="中国科协")
    found = Organization.objects.filter(parent=cast).search(alias)
    assert [org.name for org in found] == [name]


def test_the_national_association_has_its_departments_and_information_centre(demo_output):
    cast = Organization.objects.get(parent=None)
    assert cast.name == "中国科学技术协会"
    departments = set(cast.children.filter(kind="department").values_list("name", flat=True))
    assert departments == {"办公厅", "组织人事部", "学会学术部", "科学技术普及部", "调研宣传部", "国际联络部",
                           "计划财务部"}
    assert cast.children.get(kind="affiliated_unit").name == "信息中心"


def test_the_provincial_demo_clerk_sees_only_their_province(demo_output):
    clerk = User.objects.get(username="provincial_clerk")
    visible = Organization.objects.restrict(clerk, "org.view")
    province = clerk.organization
    assert visible.filter(kind="county_association").count() >= 4
    assert set(visible) == set(Organization.objects.subtree_of(province))


def test_it_prints_one_password_for_every_account(demo_output):
    passwords = printed_passwords(demo_output)
    assert set(passwords) == set(BUSINESS + ADMINS)
    assert len(set(passwords.values())) == 1


@pytest.mark.parametrize("username", BUSINESS)
def test_a_business_persona_signs_in_on_the_login_page_with_the_printed_password(client, demo_output, username):
    password = printed_passwords(demo_output)[username]
    user = User.objects.get(username=username)
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    assert response.status_code == 302
    assert client.session.get(SESSION_KEY) == str(user.pk)
    # No forced password change, no second factor: the home page opens straight away.
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("username", ADMINS)
def test_an_administrator_is_sent_to_enrol_a_second_factor(client, demo_output, username):
    password = printed_passwords(demo_output)[username]
    response = client.post(reverse("accounts:login"), {"username": username, "password": password},
                           follow=True)
    assert response.status_code == 200
    assert response.redirect_chain, "a correct password must lead on to the second-factor step"
    assert response.redirect_chain[-1][0].split("?")[0] == reverse("accounts:otp")


def test_a_wrong_password_does_not_sign_a_demo_account_in(client, demo_output):
    client.post(reverse("accounts:login"), {"username": "provincial_clerk", "password": "Kexie@2025"})
    assert SESSION_KEY not in client.session


# --- progress tracking ------------------------------------------------------------------------

def test_reports_are_filed_and_reviewed_over_the_three_cycles_closed_before_the_load_day(demo_output, day):
    from kexie.plans.models import Plan

    plan = Plan.objects.get(organization__parent=None, cascade_ledger__isnull=True)
    reports = ProgressReport.objects.filter(cycle__plan=plan)
    filed_in = sorted(set(reports.values_list("cycle__sequence", flat=True)))
    assert len(filed_in) == 3 and filed_in == list(range(filed_in[0], filed_in[0] + 3))
    cycles = {cycle.sequence: cycle for cycle in plan.reporting_cycles.all()}
    assert all(cycles[n].due_on < day for n in filed_in)
    # The latest is the latest closed: the next cycle's filing, if it has one, is still open.
    after = cycles.get(filed_in[-1] + 1)
    assert after is None or after.due_on >= day
    assert reports.count() >= 20
    assert reports.filter(status=ReportStatus.RETURNED).count() == 1
    assert reports.filter(late=True).count() == 1
    assert reports.filter(status=ReportStatus.ACCEPTED).count() >= 15
    assert all(r.submitted_at.date() <= day and (r.reviewed_at is None or r.reviewed_at.date() <= day)
               for r in ProgressReport.objects.all())
    # One audit row per filing and per return.
    assert AuditLog.objects.filter(action="submit", object_type="tracking.progressreport").count() == \
        ProgressReport.objects.count()
    assert AuditLog.objects.filter(action="return", object_type="tracking.progressreport").count() == 1


def test_the_lights_are_a_mix_of_colours_as_of_the_load_day_with_one_task_overdue(demo_output, day):
    colours = dict.fromkeys(("green", "amber", "red"), 0)
    for colour in TaskSnapshot.objects.values_list("colour", flat=True):
        colours[colour] += 1
    assert all(n > 0 for n in colours.values()), colours
    assert set(TaskSnapshot.objects.values_list("as_of", flat=True)) == {day}
    overdue = TaskSnapshot.objects.get(overdue=True)
    assert overdue.item.title == "繁荣科普内容创作" and overdue.due < day and overdue.colour == "red"
    assert TaskSnapshot.objects.filter(completed=True, plan__organization__parent=None).exists()


def test_a_deferral_was_approved_and_one_waits_for_the_provincial_office(demo_output, day):
    deferred = TaskSnapshot.objects.get(item__title="开展学会综合评估")
    assert deferred.slips == 1 and deferred.due > deferred.baseline_due and deferred.due > day
    pending = DeferralRequest.objects.get(status=DeferralStatus.PENDING)
    assert issuer_of(pending.item).name == "郑州市科学技术协会" and pending.requested_due > pending.previous_due
    provincial = User.objects.get(username="provincial_clerk")
    assert DeferralRequest.objects.restrict(provincial, "deferral.approve").filter(pk=pending.pk).exists()


def test_a_national_task_is_handed_down_to_the_provinces_and_on_to_two_cities(demo_output, day):
    provinces = set(Organization.objects.filter(kind="provincial_association").values_list("pk", flat=True))
    museums = Cascade.objects.filter(source__title="建强科普基础设施", source__plan__organization__parent=None)
    assert set(museums.values_list("organization_id", flat=True)) == provinces
    further = Cascade.objects.filter(source__in=museums.values("child"))
    assert set(further.values_list("organization__name", flat=True)) == {"郑州市科学技术协会", "洛阳市科学技术协会"}
    assert all(cascade.created_at.date() <= day for cascade in Cascade.objects.all())


def test_a_notice_is_replied_and_an_instruction_given_on_the_overdue_task(demo_output, day):
    notice = SupervisionNotice.objects.get()
    issued = notice.issued_at.date()
    assert issued <= day and notice.number == f"督办〔{issued.year}〕1号"
    assert notice.status == NoticeStatus.REPLIED and notice.replied_at.date() <= day
    assert notice.item.title == "繁荣科普内容创作"
    assert Instruction.objects.filter(item=notice.item).count() == 1
    # Answered by the department it was sent to; every deferral decided by someone other than who asked.
    assert notice.replied_by.username == "popsci_clerk"
    for deferral in DeferralRequest.objects.exclude(status=DeferralStatus.PENDING):
        assert deferral.requested_by_id != deferral.decided_by_id


@pytest.mark.parametrize("username", ["national_clerk", "provincial_clerk"])
def test_the_national_and_the_provincial_clerk_have_reports_to_review(client, demo_output, username):
    client.force_login(User.objects.get(username=username))
    response = client.get(reverse("tracking:reviews"))
    assert response.status_code == 200 and response.context["page_obj"].paginator.count >= 1


def test_the_county_clerk_has_tasks_to_file_in_the_cycles_open_on_the_load_day(demo_output, day):
    county = User.objects.get(username="county_clerk")
    open_now = ReportingCycle.objects.filter(opens_on__lte=day, due_on__gte=day)
    to_file = {pair for cycle in open_now for pair in unfiled(cycle=cycle, user=county)}
    assert to_file and {org for _item, org in to_file} == {county.organization_id}


def test_the_national_trend_runs_without_a_gap_up_to_the_load_day(demo_output, day):
    clerk = User.objects.get(username="national_clerk")
    _title, points = trend(user=clerk, organization=clerk.organization, today=day)
    cycles = {cycle.pk: cycle for cycle in cycles_for(clerk.organization, today=day).opened}
    sequences = [cycles[point.cycle_id].sequence for point in points]
    assert len(sequences) >= 3 and sequences == list(range(sequences[0], sequences[0] + len(sequences)))
    latest = cycles[points[-1].cycle_id]
    assert latest.opens_on <= day
    assert latest == max(cycles.values(), key=lambda cycle: cycle.sequence)  # nothing after it opened yet
    assert points[-1].counts.overdue == 1


def test_the_national_meeting_pack_of_the_demo_tells_the_story(demo_output, day):
    clerk = User.objects.get(username="national_clerk")
    meeting = day + dt.timedelta(days=5)
    _name, data = meeting_pack_export(by=clerk, organization=clerk.organization, fmt="docx",
                                      meeting_date=meeting, today=day)
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert f"截至统计日期{chinese_date(day)}" in text and "呈现“上热下冷”态势" in text
    assert "（一）繁荣科普内容创作（科学技术普及部牵头）" in text
    assert text.rstrip().endswith(f"中国科学技术协会\n{chinese_date(meeting)}")


def test_the_henan_plan_is_aligned_to_the_national_key_tasks(demo_output):
    from kexie.plans.models import ItemAlignment, PlanAlignment

    alignment = PlanAlignment.objects.get(plan__organization__name="河南省科学技术协会")
    assert alignment.upper_plan.organization.name == "中国科学技术协会"
    suggested = ItemAlignment.objects.filter(alignment=alignment, suggestions__isnull=False).distinct()
    assert suggested.count() >= 10


def test_the_society_registry_has_thirty_societies_three_years_and_the_four_batch_facts(demo_output, day):
    from kexie.core.demo.societies import DRAFT, NO_ACTIVITY, TERM_OVERDUE, ZOMBIE
    from kexie.societies.models import AnnualReport, ReportYear, SocietyProfile
    from kexie.societies.selectors import facts_for, terms_overdue

    year = day.year - 1  # last year's reports are being filed
    assert SocietyProfile.objects.count() == 30
    assert len(set(SocietyProfile.objects.values_list("discipline", flat=True))) == 5
    assert set(AnnualReport.objects.values_list("year", flat=True)) == {year - 2, year - 1, year}
    clerk = User.objects.get(username="national_clerk")
    assert [s.organization.name for s in terms_overdue(clerk, day)] == [TERM_OVERDUE]
    facts = {SocietyProfile.objects.get(pk=pk).organization.name: f
             for pk, f in facts_for(SocietyProfile.objects.all(), year).items()}
    assert facts[NO_ACTIVITY]["report.academic_events"] == 0
    assert facts[ZOMBIE]["report.academic_events"] is None
    zombie = SocietyProfile.objects.get(organization__name=ZOMBIE)
    assert zombie.reachable is False and max(zombie.inspections.values_list("year", flat=True)) == year - 2
    assert not zombie.annual_reports.filter(year__gte=year - 1).exists()
    secretary = User.objects.get(username="society_secretary")
    mine = SocietyProfile.objects.restrict(secretary, "society.view")
    assert [p.organization.name for p in mine] == [DRAFT]
    # The secretary has last year's report to finish and file, in a round still open.
    assert AnnualReport.objects.get(society__organization__name=DRAFT, year=year).status == "draft"
    assert not ReportYear.objects.get(organization__parent=None, year=year).closed
    assert ReportYear.objects.get(organization__parent=None, year=year - 1).closed


def test_the_evaluation_has_three_years_two_published_leaderboards_and_the_secretary_self_scoring(demo_output, day):
    from kexie.core.demo.evaluation import SECRETARY_SOCIETY
    from kexie.evaluation.models import Evaluation, Leaderboard, Rubric

    year = day.year - 1
    assert list(Rubric.objects.order_by("year").values_list("year", "status")) == [
        (year - 2, "frozen"), (year - 1, "frozen"), (year, "frozen")]
    boards = {board.year: board for board in Leaderboard.objects.all()}
    assert sorted(boards) == [year - 2, year - 1]
    rows = boards[year - 1].rows
    assert len(rows) == Evaluation.objects.filter(year=year - 1).count() >= 25
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows) and rows[0]["rank"] == 1
    assert any(row["movement"] not in ("new", "—") for row in rows)  # movement against the year before
    assert len({row["grade"] for row in rows}) >= 2
    statuses = dict(Evaluation.objects.filter(year=year).values_list("society__organization__name", "status"))
    assert statuses[SECRETARY_SOCIETY] == "self_scoring"
    assert {"submitted", "reviewed"} <= set(statuses.values())


def test_the_four_batch_flags_fire_on_the_demo_societies_and_a_selection_round_is_on_public_notice(demo_output, day):
    from kexie.core.demo.selection import round_title
    from kexie.selection.models import FlagDecision, SelectionRound, SocietyFlag
    from kexie.selection.selectors import applications_visible, ranking

    fired = set(SocietyFlag.objects.filter(status="open").values_list("society__organization__name", "rule__code"))
    assert {("中国天文学会", "council_overdue"), ("中国水产学会", "no_activity"),
            ("中国灾害防御协会", "missed_inspection_or_report"), ("中国灾害防御协会", "unreachable")} <= fired
    assert set(FlagDecision.objects.values_list("action", flat=True)) == {"rectify", "wind_up"}
    selection_round = SelectionRound.objects.get(title=round_title(day.year))
    assert selection_round.status == "notice"
    rows = ranking(selection_round)
    assert [row.rank for row in rows[:3]] == [1, 2, 3]
    assert {row.application.pk for row in rows[:3]} == set(
        selection_round.applications.filter(on_notice=True).values_list("pk", flat=True))
    assert sum(1 for row in rows for cell in row.scores if cell["recused"] and cell["score"] is None) >= 2
    assert selection_round.objections.filter(upheld__isnull=True).count() == 1
    secretary = User.objects.get(username="society_secretary")
    mine = applications_visible(secretary).filter(round=selection_round)
    assert [a.society.organization.name for a in mine] == ["中国电子学会"] and not mine[0].eligible



# --- the expert's work and the late report ------------------------------------------------------

def test_the_demo_expert_signs_in_to_evaluations_to_review_and_applications_to_score(client, demo_output, day):
    from kexie.core.demo.selection import second_round_title
    from kexie.evaluation.models import ReviewAssignment
    from kexie.evaluation.selectors import reviews_to_do as evaluations_to_review
    from kexie.selection.models import SelectionRound
    from kexie.selection.selectors import reviews_to_do as applications_to_score

    expert = User.objects.get(username="review_expert")
    evaluations = list(evaluations_to_review(expert))
    assert len(evaluations) == 8 and {e.year for e in evaluations} == {day.year - 1}
    applications = list(applications_to_score(expert))
    assert applications and {a.round.title for a in applications} == {second_round_title(day.year)}
    second = SelectionRound.objects.get(title=second_round_title(day.year))
    ineligible = set(second.applications.filter(eligible=False).values_list("society__organization__name", flat=True))
    assert second.status == "review" and {"中国水产学会", "中国林学会"} <= ineligible  # a flag; a report not accepted

    password = printed_passwords(demo_output)["review_expert"]
    client.post(reverse("accounts:login"), {"username": "review_expert", "password": password})
    index = client.get(reverse("evaluation:index"))
    assert len(index.context["to_review"]) == 8
    first = evaluations[0]
    assert client.get(reverse("evaluation:review", args=[first.pk])).status_code == 200
    reviews = client.get(reverse("selection:my_reviews"))
    assert reviews.context["to_do"] == len(applications)
    ineligible = second.applications.filter(eligible=False).first()
    page = client.get(reverse("selection:score", args=[ineligible.pk])).content.decode()
    assert 'id="score-form"' not in page and 'id="not-scored"' in page

    # The office has no scoring list of its own but sees who reviews what and what has no reviewer.
    clerk = User.objects.get(username="national_clerk")
    assert not evaluations_to_review(clerk).exists()
    assert not ReviewAssignment.objects.filter(reviewer=clerk).exists()
    reviewed = ReviewAssignment.objects.filter(evaluation__reviewed_by__isnull=False)
    assert reviewed.count() >= 50 and all(a.evaluation.reviewed_by_id == a.reviewer_id for a in reviewed)


def test_no_expert_reviews_a_society_they_are_in_conflict_with(demo_output):
    from kexie.evaluation.models import ReviewAssignment
    from kexie.selection.selectors import society_conflicts

    assignments = list(ReviewAssignment.objects.select_related("evaluation", "reviewer"))
    experts = list({a.reviewer for a in assignments})
    conflicts = society_conflicts({a.evaluation.society_id for a in assignments}, experts)
    assert conflicts, "the demo's experts have ties to some societies"
    assert not [a for a in assignments if (a.evaluation.society_id, a.reviewer_id) in conflicts]


def test_once_the_due_date_has_passed_a_late_report_waits_for_acceptance_with_its_flag_saying_so(demo_output, day):
    from kexie.core.demo.societies import LATE
    from kexie.selection.models import SocietyFlag
    from kexie.societies.models import AnnualReport

    year = day.year - 1
    report = AnnualReport.objects.get(society__organization__name=LATE, year=year)
    if day <= dt.date(day.year, 3, 31):  # the open round is not past its due date: nothing is late yet
        assert not AnnualReport.objects.filter(late=True).exists() and report.status == "accepted"
        return
    assert (report.status, report.late) == ("submitted", True)
    assert report.submitted_at.date() > report.round.due_on
    assert AnnualReport.objects.filter(late=True).count() == 1
    flag = SocietyFlag.objects.get(society=report.society, rule__code="no_activity", status="open")
    assert flag.facts == {str(year): "年报逾期报送，待审核"}


def test_last_years_national_youth_award_is_decided_with_the_rankings_top_as_winners(demo_output, day):
    from kexie.awards.models import AwardCall
    from kexie.awards.selectors import call_ranking
    from kexie.core.demo.awards import finished_title
    from kexie.panels.models import ConflictRecord, Objection

    call = AwardCall.objects.get(title=finished_title(day.year - 1), organization__parent=None)
    assert (call.status, call.review_round.status) == ("decided", "decided")
    assert {c.organization.name for c in call.channels.all()} == {"河南省科学技术协会", "中国电子学会"}
    rejected = call.nominations.get(status="formally_rejected")
    assert rejected.check_reasons and rejected.check_reasons[0].startswith("年龄上限")
    ranked = call_ranking(call)
    assert len(ranked) == call.nominations.exclude(status="formally_rejected").count() == 3
    winners = {n.pk for n in call.nominations.filter(status="winner")}
    assert winners == {r["nomination"].pk for r in ranked[:2]} and ranked[1]["rank"] < ranked[2]["rank"]
    objection = Objection.objects.get(item__round=call.review_round)
    assert objection.handled_at is not None and objection.upheld is False
    conflict = ConflictRecord.objects.get(round=call.review_round, reason_code="recommender")
    assert not conflict.item.assignments.filter(seat__entry=conflict.entry).exists()
    assert call.opens_on.year == day.year - 1


def test_this_years_henan_youth_award_is_under_review_with_scores_partly_in(demo_output, day):
    from kexie.awards.models import AwardCall
    from kexie.core.demo.awards import in_review_title
    from kexie.panels.models import Assignment, ItemScore

    call = AwardCall.objects.get(title=in_review_title(day.year), organization__name="河南省科学技术协会")
    assert (call.status, call.review_round.status) == ("review", "reviewing")
    assert {n.channel.organization.name for n in call.nominations.all()} == {"郑州市科学技术协会", "洛阳市科学技术协会"}
    assert not call.nominations.filter(status="submitted").exists()
    assigned = Assignment.objects.filter(item__round=call.review_round).count()
    scored = ItemScore.objects.filter(item__round=call.review_round).count()
    assert assigned == 3 * call.review_round.items.count() and 0 < scored < assigned
    assert call.opens_on <= call.closes_on <= day


def test_the_demo_panel_expert_signs_in_and_finds_nominations_to_score(client, demo_output, day):
    from kexie.core.demo.awards import EXPERT_ADDRESS
    from kexie.panels.models import Assignment, ItemScore

    line = next(line for line in demo_output.splitlines() if line.startswith(EXPERT_ADDRESS))
    password = re.split(r"\s{2,}", line.strip())[1]
    client.post(reverse("accounts:login"), {"username": EXPERT_ADDRESS, "password": password})
    page = client.get(reverse("panels:mine"))

    assert page.status_code == 200
    person = User.objects.get(username=EXPERT_ADDRESS).person
    mine = Assignment.objects.filter(seat__entry__person=person)
    waiting = [a for a in mine if not ItemScore.objects.filter(item=a.item, entry=a.seat.entry).exists()]
    assert waiting, "the demo expert has nominations still to score"
    html = page.content.decode()
    assert all(a.item.title in html for a in mine)


def test_the_demo_team_lead_signs_in_and_finds_the_chosen_teams_milestones(client, demo_output, day):
    from kexie.core.demo.demands import TEAM_ADDRESS
    from kexie.demands.models import Application, ApplicationStatus, MilestoneStatus

    line = next(line for line in demo_output.splitlines() if line.startswith(TEAM_ADDRESS))
    password = re.split(r"\s{2,}", line.strip())[1]
    client.post(reverse("accounts:login"), {"username": TEAM_ADDRESS, "password": password})
    page = client.get(reverse("demands:my_applications"))

    assert page.status_code == 200
    chosen = Application.objects.get(applicant__username=TEAM_ADDRESS)
    assert chosen.status == ApplicationStatus.CHOSEN
    first, second = chosen.demand.milestones.order_by("position")
    assert (first.status, second.status) == (MilestoneStatus.ACCEPTED, MilestoneStatus.REPORTED)
    html = page.content.decode()
    assert chosen.demand.title in html and first.title in html and second.title in html
