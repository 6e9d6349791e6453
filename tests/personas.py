"""Named personas and a small organisation network, shared by every test module.

    中国科协 ── 办公厅, 组织人事部, 学会学术部 (学会部), 科学技术普及部 (科普部), 信息中心
      ├─ 中国测试学会 ── 测试专业委员会 (branch)
      ├─ 甲省科协 ── 甲省科协办公室 ── ...
      │    └─ 甲市科协 ── 甲县科协
      └─ 乙省科协 ── 乙市科协 ── 乙县科协
"""

import time
from dataclasses import dataclass

from django.utils import timezone

from kexie.accounts.models import PasswordHistory, Role, User
from kexie.accounts.roles import ensure_builtin_roles
from kexie.accounts.sessionkeys import LAST_SEEN, OTP_VERIFIED, SIGNED_IN_AT
from kexie.organizations.models import Organization
from kexie.organizations.services import organization_create

PASSWORD = "Kexie@2026pass"


def make_user(username: str, organization, role_codes=(), *, password: str = PASSWORD, **fields) -> User:
    user = User(username=username, organization=organization, full_name=fields.pop("full_name", username),
                must_change_password=False, password_changed_at=timezone.now(), **fields)
    user.set_password(password)
    user.save()
    PasswordHistory.objects.create(user=user, encoded=user.password)
    if role_codes:
        user.roles.set(Role.objects.filter(code__in=role_codes))
    return user


def make_external(address: str = "zhang.wei@example.cn", *, full_name: str = "张伟", password: str = PASSWORD,
                  **fields) -> User:
    """The external persona: an S&T worker who signed up with a verified e-mail address (or mobile
    number): signs in with it, holds no role, no organisation, sees only their own records."""
    email, mobile = (address, "") if "@" in address else ("", address)
    user = User(username=address, kind="external", full_name=full_name, email=email, mobile=mobile,
                must_change_password=False, password_changed_at=timezone.now(), **fields)
    user.set_password(password)
    user.save()
    PasswordHistory.objects.create(user=user, encoded=user.password)
    return user


def sign_in(client, user) -> None:
    """Log a test client in as ``user`` with the second factor already given."""
    client.force_login(user)
    session = client.session
    session[OTP_VERIFIED] = True
    session[LAST_SEEN] = session[SIGNED_IN_AT] = time.time()
    session.save()


@dataclass
class World:
    cast: Organization
    office: Organization
    society_dept: Organization
    popsci_dept: Organization
    info_center: Organization
    society: Organization
    branch: Organization
    prov_a: Organization
    prov_a_office: Organization
    city_a: Organization
    county_a: Organization
    prov_b: Organization
    city_b: Organization
    county_b: Organization
    national_clerk: User
    provincial_clerk: User
    county_clerk: User
    society_secretary: User
    other_provincial_clerk: User
    no_role_user: User
    system_admin: User
    security_admin: User
    audit_admin: User


def build_world() -> World:
    # A transactional test (browser, backup) flushes the database, migration-made roles included.
    ensure_builtin_roles()

    def org(parent, name, kind, **fields):
        return organization_create(by=None, parent=parent, name=name, kind=kind, **fields)

    cast = org(None, "中国科学技术协会", "national_association", short_name="中国科协", aliases=["科协"])
    office = org(cast, "办公厅", "department")
    org(cast, "组织人事部", "department", aliases=["组人部"])
    society_dept = org(cast, "学会学术部", "department", aliases=["学会部"])
    popsci_dept = org(cast, "科学技术普及部", "department", aliases=["科普部"])
    info_center = org(cast, "信息中心", "affiliated_unit")
    society = org(cast, "中国测试学会", "national_society")
    branch = org(society, "测试专业委员会", "society_branch")
    prov_a = org(cast, "甲省科学技术协会", "provincial_association", short_name="甲省科协", region_code="410000")
    prov_a_office = org(prov_a, "甲省科协办公室", "department")
    city_a = org(prov_a, "甲市科学技术协会", "city_association", short_name="甲市科协", region_code="410100")
    county_a = org(city_a, "甲县科学技术协会", "county_association", short_name="甲县科协", region_code="410122")
    prov_b = org(cast, "乙省科学技术协会", "provincial_association", short_name="乙省科协", region_code="420000")
    city_b = org(prov_b, "乙市科学技术协会", "city_association", short_name="乙市科协", region_code="420100")
    county_b = org(city_b, "乙县科学技术协会", "county_association", short_name="乙县科协", region_code="420111")

    return World(
        cast=cast, office=office, society_dept=society_dept, popsci_dept=popsci_dept, info_center=info_center,
        society=society, branch=branch, prov_a=prov_a, prov_a_office=prov_a_office, city_a=city_a,
        county_a=county_a, prov_b=prov_b, city_b=city_b, county_b=county_b,
        national_clerk=make_user("national_clerk", cast, ["national_clerk"], full_name="国家改革办干事"),
        provincial_clerk=make_user("provincial_clerk", prov_a, ["provincial_clerk"], full_name="甲省干事",
                                   mobile="13812345678", email="jia.clerk@example.cn"),
        county_clerk=make_user("county_clerk", county_a, ["county_clerk"], full_name="甲县干事"),
        society_secretary=make_user("society_secretary", society, ["society_secretary"], full_name="学会秘书"),
        other_provincial_clerk=make_user("other_provincial_clerk", prov_b, ["provincial_clerk"], full_name="乙省干事"),
        no_role_user=make_user("no_role_user", prov_a, [], full_name="无角色用户"),
        system_admin=make_user("sysadmin", cast, ["system_admin"], full_name="系统管理员"),
        security_admin=make_user("secadmin", cast, ["security_admin"], full_name="安全管理员"),
        audit_admin=make_user("auditadmin", cast, ["audit_admin"], full_name="审计管理员"),
    )
