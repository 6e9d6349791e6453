"""The left menu and the page toolbars follow the user's job: each built-in role holds only the
codes it needs, the menu shows what those codes open, toolbars offer no button that answers 403,
and the pages of the codes a role no longer holds still refuse it."""

import importlib
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.urls import reverse

from kexie.accounts.models import DataScope, Role
from kexie.accounts.roles import BUILTIN_ROLES
from tests.personas import make_user, sign_in


class _Menu(HTMLParser):
    """Reads the left menu into [(section title, [entry labels])]."""

    def __init__(self):
        super().__init__()
        self.sections, self._in_nav, self._grab = [], False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "sidemenu" in (attrs.get("class") or ""):
            self._in_nav = True
        elif self._in_nav and tag == "div" and attrs.get("class") == "menu-section-title":
            self._grab = "title"
            self.sections.append(["", []])
        elif self._in_nav and tag == "a":
            self._grab = "entry"
            self.sections[-1][1].append("")

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False
        if tag in ("div", "a"):
            self._grab = None

    def handle_data(self, data):
        if self._grab == "title":
            self.sections[-1][0] += data.strip()
        elif self._grab == "entry":
            self.sections[-1][1][-1] += data.strip()


def menu_of(client) -> list[tuple[str, list[str]]]:
    parser = _Menu()
    parser.feed(client.get(reverse("home")).content.decode())
    return [(title, entries) for title, entries in parser.sections]


WORKBENCH = ("工作台", ["首页", "仪表盘"])
REFERENCE = ("基础信息", ["组织机构", "组织列表", "基层组织覆盖", "接口文档"])
SUPERVISION = ("督查督办", ["督查督办", "延期申请"])
PUBLIC_USERS = ("公众用户", ["邀请外部用户"])
PEOPLE = ("人员与专家", ["人员库", "专家库", "评审批次", "人才举荐与奖项"])
AWARDS_ONLY = ("人员与专家", ["人才举荐与奖项"])  # nominating through the channels they are given
# The services to enterprises and decision makers: the offices run them all; a city records demands,
# sees stations, teams and campaigns and submits proposals; a county records demands; a society
# sees the stations it partners and submits proposals.
SERVICES = ("服务", ["技术需求", "揭榜挂帅", "站点与基地", "服务团与走访", "建言献策"])
COUNTY_SERVICES = ("服务", ["技术需求", "揭榜挂帅"])
SOCIETY_SERVICES = ("服务", ["站点与基地", "建言献策"])
# The activity registry (学术活动, 科普日 …): every association's clerk and society secretary.
ACTIVITIES = ("活动", ["学术与科普活动", "科技志愿服务", "调查站点"])
# Societies run volunteer teams but no survey station.
SOCIETY_ACTIVITIES = ("活动", ["学术与科普活动", "科技志愿服务"])


def test_a_county_clerk_sees_filing_supervision_and_the_directory(world, signed_in):
    assert menu_of(signed_in(world.county_clerk)) == [
        WORKBENCH, ("规划与任务", ["规划", "任务台账", "进度填报"]), SUPERVISION, COUNTY_SERVICES, ACTIVITIES, REFERENCE]


def test_a_city_clerk_also_reviews_and_hands_down_but_keeps_no_society_registry(world, signed_in):
    city_clerk = make_user("city_clerk", world.city_a, ["city_clerk"])
    assert menu_of(signed_in(city_clerk)) == [
        WORKBENCH, ("规划与任务", ["规划", "任务台账", "进度填报", "填报审核"]), SUPERVISION, AWARDS_ONLY, SERVICES,
        ACTIVITIES, REFERENCE, PUBLIC_USERS]


def test_a_provincial_clerk_sees_plans_review_supervision_and_its_societies_but_not_the_users(world, signed_in):
    assert menu_of(signed_in(world.provincial_clerk)) == [
        WORKBENCH, ("规划与任务", ["规划", "任务台账", "进度填报", "填报审核"]), SUPERVISION,
        ("学会", ["学会", "学会评价", "一流学会/四个一批"]), PEOPLE, SERVICES, ACTIVITIES, REFERENCE, PUBLIC_USERS]


def test_the_national_clerk_also_sees_the_users_it_verifies(world, signed_in):
    assert menu_of(signed_in(world.national_clerk)) == [
        WORKBENCH, ("规划与任务", ["规划", "任务台账", "进度填报", "填报审核"]), SUPERVISION,
        ("学会", ["学会", "学会评价", "一流学会/四个一批"]), PEOPLE, SERVICES, ACTIVITIES, REFERENCE, PUBLIC_USERS,
        ("系统管理", ["用户管理"])]


def test_a_society_secretary_files_and_reports_but_sees_neither_review_nor_users(world, signed_in):
    assert menu_of(signed_in(world.society_secretary)) == [
        WORKBENCH, ("规划与任务", ["规划", "任务台账", "进度填报"]), SUPERVISION,
        ("学会", ["学会", "我的年报", "学会评价", "一流学会/四个一批"]), AWARDS_ONLY, SOCIETY_SERVICES,
        SOCIETY_ACTIVITIES, REFERENCE, PUBLIC_USERS]


def test_an_expert_sees_the_societies_to_score(world, signed_in):
    expert = make_user("expert", world.info_center, ["evaluation_expert"])
    assert menu_of(signed_in(expert)) == [
        ("工作台", ["首页"]), ("学会", ["学会", "学会评价", "一流学会/四个一批"]), ("基础信息", ["接口文档"])]


def test_the_system_administrator_sees_organisations_users_and_roles(world, signed_in):
    assert menu_of(signed_in(world.system_admin)) == [
        ("工作台", ["首页"]), REFERENCE, ("系统管理", ["用户管理", "角色管理"])]


def test_the_security_administrator_sees_users_policy_and_the_login_log(world, signed_in):
    assert menu_of(signed_in(world.security_admin)) == [
        ("工作台", ["首页"]), ("基础信息", ["接口文档"]), ("系统管理", ["用户管理", "安全策略", "登录日志"])]


def test_the_audit_administrator_sees_the_two_logs(world, signed_in):
    assert menu_of(signed_in(world.audit_admin)) == [
        ("工作台", ["首页"]), ("基础信息", ["接口文档"]), ("系统管理", ["登录日志", "审计日志"])]


def test_the_entry_of_the_page_shown_is_the_only_one_marked_current(world, signed_in):
    body = signed_in(world.provincial_clerk).get(reverse("organizations:list")).content.decode()
    current = re.findall(r'<a href="([^"]+)" class="active" aria-current="page">', body)
    assert current == [reverse("organizations:list")]  # not the tree at its parent address too


# --- toolbars ----------------------------------------------------------------------------------

PERSONAS = ["national_clerk", "provincial_clerk", "county_clerk", "society_secretary", "system_admin",
            "security_admin", "audit_admin"]


class _Links(HTMLParser):
    """The menu's addresses, and the links of the page's toolbars (``div.toolbar``)."""

    def __init__(self):
        super().__init__()
        self.menu, self.toolbar, self._nav, self._toolbar_depth = [], [], False, 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "nav" and "sidemenu" in classes:
            self._nav = True
        if tag == "div" and (self._toolbar_depth or "toolbar" in classes):
            self._toolbar_depth += 1
        if tag == "a" and attrs.get("href"):
            if self._nav:
                self.menu.append(attrs["href"])
            elif self._toolbar_depth:
                self.toolbar.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav = False
        if tag == "div" and self._toolbar_depth:
            self._toolbar_depth -= 1


def links_of(response) -> _Links:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_toolbar_on_a_menu_page_offers_a_button_the_user_may_not_use(world, client, persona):
    sign_in(client, getattr(world, persona))
    menu = links_of(client.get(reverse("home"))).menu
    refused = []
    for page in menu:
        if page.startswith(reverse("api:docs")):
            continue
        response = client.get(page)
        assert response.status_code == 200, page
        for link in links_of(response).toolbar:
            target = urlsplit(link)
            if target.netloc or not target.path.startswith("/"):
                continue
            status = client.get(link).status_code
            if status == 403:
                refused.append((page, link))
    assert refused == []


# --- what the narrowed roles no longer reach ---------------------------------------------------

REFUSED = {
    "county_clerk": ["plans:import", "tracking:reviews", "organizations:create", "organizations:import",
                     "accounts:user_list", "societies:list", "evaluation:rubric_create", "selection:round_create"],
    "society_secretary": ["plans:import", "tracking:reviews", "organizations:create", "accounts:user_list",
                          "societies:review_queue", "evaluation:rubric_create", "selection:round_create"],
    "provincial_clerk": ["accounts:user_list"],
}


@pytest.mark.parametrize("persona", sorted(REFUSED))
def test_the_pages_of_codes_a_role_no_longer_holds_refuse_it(world, signed_in, persona):
    client = signed_in(getattr(world, persona))
    statuses = {name: client.get(reverse(name)).status_code for name in REFUSED[persona]}
    assert statuses == dict.fromkeys(REFUSED[persona], 403)


# --- the data migration ------------------------------------------------------------------------

MIGRATION = importlib.import_module("kexie.accounts.migrations.0011_builtin_roles_least_privilege")
INVITE = importlib.import_module("kexie.accounts.migrations.0015_external_accounts")
PEOPLE_CODES = importlib.import_module("kexie.accounts.migrations.0016_builtin_roles_people_codes")
AWARD_CODES = importlib.import_module("kexie.accounts.migrations.0017_builtin_roles_award_codes")
SERVICE_CODES = importlib.import_module("kexie.accounts.migrations.0018_builtin_roles_service_codes")
ACTIVITY_CODES = importlib.import_module("kexie.accounts.migrations.0019_builtin_roles_activity_codes")
VOLUNTEER_SURVEY_CODES = importlib.import_module("kexie.accounts.migrations.0020_builtin_roles_volunteer_survey_codes")
WORKER_INVITE = importlib.import_module("kexie.accounts.migrations.0021_builtin_roles_worker_invite")


def test_the_migration_narrows_the_built_in_roles_shipped_with_every_clerk_code(db):
    for code, codes in MIGRATION.SHIPPED.items():
        Role.objects.filter(code=code).update(permissions=codes)
    MIGRATION.narrow(apps, None)
    INVITE.grant_invite(apps, None)  # the later migration that gives the offices external.invite
    PEOPLE_CODES.grant_people(apps, None)  # and the one that gives them the person records and libraries
    AWARD_CODES.grant_awards(apps, None)  # and the award call codes
    SERVICE_CODES.grant(apps, None)  # and the codes of the services to enterprises and decision makers
    ACTIVITY_CODES.grant(apps, None)  # and the activity codes
    VOLUNTEER_SURVEY_CODES.grant(apps, None)  # and the volunteer and survey-station codes
    WORKER_INVITE.grant(apps, None)  # and external.invite for the city associations and societies
    current = {code: set(codes) for code, _name, _scope, _kind, codes in BUILTIN_ROLES}
    for code in MIGRATION.SHIPPED:
        assert set(Role.objects.get(code=code).permissions) == current[code], code
    assert "plan.import" not in Role.objects.get(code="society_secretary").permissions


def test_the_migration_leaves_an_edited_built_in_role_and_an_administrators_own_role_alone(db):
    for code, codes in MIGRATION.SHIPPED.items():
        Role.objects.filter(code=code).update(permissions=codes)
    edited = [*MIGRATION.SHIPPED["county_clerk"], "pii.unmask"]
    Role.objects.filter(code="county_clerk").update(permissions=edited)
    own = Role.objects.create(code="county_office", name="县级办公室", data_scope=DataScope.ORG_AND_BELOW,
                              permissions=MIGRATION.SHIPPED["county_clerk"])
    MIGRATION.narrow(apps, None)
    assert Role.objects.get(code="county_clerk").permissions == edited
    own.refresh_from_db()
    assert own.permissions == MIGRATION.SHIPPED["county_clerk"]
    assert "plan.import" not in Role.objects.get(code="society_secretary").permissions


def test_the_offices_built_in_roles_gain_the_invitation_code_unless_an_administrator_edited_them(db):
    for code, codes in INVITE.SHIPPED.items():
        Role.objects.filter(code=code).update(permissions=codes)
    edited = [*INVITE.SHIPPED["provincial_clerk"], "pii.unmask"]
    Role.objects.filter(code="provincial_clerk").update(permissions=edited)

    INVITE.grant_invite(apps, None)
    PEOPLE_CODES.grant_people(apps, None)
    AWARD_CODES.grant_awards(apps, None)
    SERVICE_CODES.grant(apps, None)
    ACTIVITY_CODES.grant(apps, None)
    VOLUNTEER_SURVEY_CODES.grant(apps, None)
    WORKER_INVITE.grant(apps, None)

    assert "external.invite" in Role.objects.get(code="national_clerk").permissions
    assert Role.objects.get(code="provincial_clerk").permissions == edited
    current = {code: set(codes) for code, _name, _scope, _kind, codes in BUILTIN_ROLES}
    assert set(Role.objects.get(code="national_clerk").permissions) == current["national_clerk"]
