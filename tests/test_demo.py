"""`kexie demo`: idempotent, built through the services, and its accounts really sign in."""

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
from kexie.core.demo.tracking import DEMO_TODAY
from kexie.dashboard.meeting_pack import meeting_pack_export
from kexie.core.validators import is_valid_credit_code
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.tracking.models import (
    Cascade,
    DeferralRequest,
    DeferralStatus,
    Instruction,
    NoticeStatus,
    ProgressReport,
    ReportStatus,
    SupervisionNotice,
    TaskSnapshot,
)

BUSINESS = ["national_clerk", "society_dept_clerk", "popsci_clerk", "provincial_clerk", "county_clerk",
            "society_secretary", "review_expert"]
ADMINS = ["sysadmin", "secadmin", "auditadmin"]


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
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


@pytest.fixture(scope="module")
def _demo_loaded(django_db_setup, django_db_blocker):
    """Load the demo once for this module (it takes seconds), inside a transaction that is
    rolled back afterwards; each test still runs in its own savepoint through ``db``."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo_output(_demo_loaded, db):
    return _demo_loaded


def test_it_runs_twice_and_the_second_run_changes_nothing(demo_output):
    before = counts()
    snapshot = list(Organization.objects.order_by("pk").values())
    second = run_demo()
    assert counts() == before
    assert list(Organization.objects.order_by("pk").values()) == snapshot
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

def test_it_files_and_reviews_reports_over_past_cycles_through_the_services(demo_output):
    reports = ProgressReport.objects.all()
    assert reports.count() >= 20
    assert set(reports.values_list("cycle__label", flat=True)) == {"2026年4月", "2026年5月", "2026年6月"}
    assert reports.filter(status=ReportStatus.RETURNED).count() == 1
    assert reports.filter(late=True).count() == 1
    # One audit row per filing, acceptance and return.
    assert AuditLog.objects.filter(action="submit", object_type="tracking.progressreport").count() == reports.count()
    assert AuditLog.objects.filter(action="return", object_type="tracking.progressreport").count() == 1


def test_the_demo_has_tasks_of_every_colour_one_overdue_and_one_completed(demo_output):
    colours = set(TaskSnapshot.objects.values_list("colour", flat=True))
    assert colours == {"green", "amber", "red"}
    assert TaskSnapshot.objects.filter(overdue=True).count() == 1
    assert TaskSnapshot.objects.filter(completed=True).count() == 1
    deferred = TaskSnapshot.objects.get(slips=1)
    assert (deferred.item.title, deferred.baseline_due) == ("开展学会综合评估", dt.date(2026, 9, 30))


def test_a_national_task_is_handed_down_to_the_provinces_and_on_to_a_city(demo_output):
    provinces = set(Organization.objects.filter(kind="provincial_association").values_list("pk", flat=True))
    museums = Cascade.objects.filter(source__title="建强科普基础设施", source__plan__organization__parent=None)
    assert set(museums.values_list("organization_id", flat=True)) == provinces
    further = Cascade.objects.filter(source__in=museums.values("child"))
    assert set(further.values_list("organization__name", flat=True)) == {"郑州市科学技术协会", "洛阳市科学技术协会"}


def test_a_notice_is_replied_an_instruction_given_and_a_deferral_approved(demo_output):
    notice = SupervisionNotice.objects.get()
    assert (notice.number, notice.status) == ("督办〔2026〕1号", NoticeStatus.REPLIED)
    assert Instruction.objects.filter(item=notice.item).count() == 1
    deferral = DeferralRequest.objects.get()
    assert deferral.status == DeferralStatus.APPROVED
    # Asked by the department, decided by the reform office; the notice answered by its unit.
    assert (deferral.requested_by.username, deferral.decided_by.username) == ("society_dept_clerk", "national_clerk")
    assert notice.replied_by.username == "popsci_clerk"


def test_the_national_meeting_pack_of_the_demo_tells_the_story(demo_output):
    clerk = User.objects.get(username="national_clerk")
    _name, data = meeting_pack_export(by=clerk, organization=clerk.organization, fmt="docx",
                                      meeting_date=dt.date(2026, 7, 15), today=DEMO_TODAY)
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "截至2026年7月10日" in text and "呈现“上热下冷”态势" in text
    assert "（一）加强青少年科技教育（新郑市科协牵头）" in text
    assert text.rstrip().endswith("中国科学技术协会\n2026年7月15日")


def test_the_henan_plan_is_aligned_to_the_national_key_tasks(demo_output):
    from kexie.plans.models import ItemAlignment, PlanAlignment

    alignment = PlanAlignment.objects.get(plan__organization__name="河南省科学技术协会")
    assert alignment.upper_plan.organization.name == "中国科学技术协会"
    suggested = ItemAlignment.objects.filter(alignment=alignment, suggestions__isnull=False).distinct()
    assert suggested.count() >= 10


def test_the_society_registry_has_thirty_societies_three_years_and_the_four_batch_facts(demo_output):
    from kexie.core.demo.societies import DRAFT_2025, NO_ACTIVITY, TERM_OVERDUE, ZOMBIE
    from kexie.societies.models import AnnualReport, SocietyProfile
    from kexie.societies.selectors import facts_for, terms_overdue

    assert SocietyProfile.objects.count() == 30
    assert len(set(SocietyProfile.objects.values_list("discipline", flat=True))) == 5
    assert set(AnnualReport.objects.values_list("year", flat=True)) == {2023, 2024, 2025}
    clerk = User.objects.get(username="national_clerk")
    assert [s.organization.name for s in terms_overdue(clerk, DEMO_TODAY)] == [TERM_OVERDUE]
    facts = {SocietyProfile.objects.get(pk=pk).organization.name: f
             for pk, f in facts_for(SocietyProfile.objects.all(), 2025).items()}
    assert facts[NO_ACTIVITY]["report.academic_events"] == 0
    assert facts[ZOMBIE]["report.academic_events"] is None
    zombie = SocietyProfile.objects.get(organization__name=ZOMBIE)
    assert zombie.reachable is False and max(zombie.inspections.values_list("year", flat=True)) == 2023
    assert not zombie.annual_reports.filter(year__gte=2024).exists()
    secretary = User.objects.get(username="society_secretary")
    mine = SocietyProfile.objects.restrict(secretary, "society.view")
    assert [p.organization.name for p in mine] == [DRAFT_2025]
    assert AnnualReport.objects.get(society__organization__name=DRAFT_2025, year=2025).status == "draft"


def test_the_evaluation_has_three_years_two_published_leaderboards_and_the_secretary_self_scoring(demo_output):
    from kexie.core.demo.evaluation import SECRETARY_SOCIETY
    from kexie.evaluation.models import Evaluation, Leaderboard, Rubric

    assert list(Rubric.objects.order_by("year").values_list("year", "status")) == [
        (2023, "frozen"), (2024, "frozen"), (2025, "frozen")]
    boards = {board.year: board for board in Leaderboard.objects.all()}
    assert sorted(boards) == [2023, 2024]
    rows = boards[2024].rows
    assert len(rows) == Evaluation.objects.filter(year=2024).count() >= 25
    assert [row["rank"] for row in rows] == sorted(row["rank"] for row in rows) and rows[0]["rank"] == 1
    assert any(row["movement"] not in ("new", "—") for row in rows)  # movement against 2023
    assert len({row["grade"] for row in rows}) >= 2
    statuses = dict(Evaluation.objects.filter(year=2025).values_list("society__organization__name", "status"))
    assert statuses[SECRETARY_SOCIETY] == "self_scoring"
    assert {"submitted", "reviewed"} <= set(statuses.values())


def test_the_four_batch_flags_fire_on_the_demo_societies_and_a_selection_round_is_on_public_notice(demo_output):
    from kexie.core.demo.selection import ROUND_TITLE
    from kexie.selection.models import FlagDecision, SelectionRound, SocietyFlag
    from kexie.selection.selectors import applications_visible, ranking

    fired = set(SocietyFlag.objects.filter(status="open").values_list("society__organization__name", "rule__code"))
    assert {("中国天文学会", "council_overdue"), ("中国水产学会", "no_activity"),
            ("中国灾害防御协会", "missed_inspection_or_report"), ("中国灾害防御协会", "unreachable")} <= fired
    assert set(FlagDecision.objects.values_list("action", flat=True)) == {"rectify", "wind_up"}
    selection_round = SelectionRound.objects.get(title=ROUND_TITLE)
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

