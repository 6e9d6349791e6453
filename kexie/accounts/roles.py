"""The roles every installation starts with. Administrators may add their own.

Each built-in role carries only the codes its job needs (least privilege): the left menu, the
toolbars and the pages all follow the codes, so a code given "just in case" shows a person
menus and buttons that are not theirs.

* 中国科协改革办 (national clerk): runs the national plan end to end (import, ledger, cascade,
  review, supervision, deferrals), files for the national departments, keeps the society
  registry and its evaluation, and keeps the organisation register of the network. It verifies
  people across the network, so it may see users and their unmasked personal data.
* 省级科协 (provincial clerk): the same for its own plans and region, the register of its
  region's organisations and its provincial societies; it files to the national office.
* 市级科协 (city clerk): imports its own plans, hands tasks down to its counties, reviews their
  reports, files to its province. It keeps no organisation register and no society registry.
* 机关部门 (department staff): a department of an association that leads tasks of its plans
  (学会学术部, 科普部 …) files their progress, asks for deferrals and answers supervision
  notices; it does not review what it files, nor decide its own requests.
* 县级科协 (county clerk): the bottom of the cascade: files progress reports and deferral
  requests, replies to supervision notices, views and exports its ledger.
* 学会秘书处 (society secretary): files on national tasks its society leads, keeps its own
  society's record (terms, journals, members), fills in and submits its annual report and
  self-score, applies in selection rounds, nominates candidates through the award call channels
  it is given (as does the city clerk).
* 评审专家 (expert): sees the registry and scores what is assigned to them.
* The three administrators hold only their kind's codes (三员分立).

People administration (users, roles, unlocking) belongs to the administrators: no business role
other than the national clerk sees the user list.
"""

from .models import DataScope
from .permissions import ADMIN_CODES, AdminKind

_ORG_REGISTER_CODES = ["org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import",
                       "org.export"]
_ISSUER_CODES = ["plan.view", "plan.import", "plan.change", "plan.export", "report.submit", "report.review",
                 "supervise.manage", "deferral.approve"]
_FILER_CODES = ["plan.view", "plan.export", "report.submit"]
_SOCIETY_OFFICE_CODES = ["society.view", "society.manage", "annual_report.review", "evaluation.manage",
                         "evaluation.score"]
# The person records and expert library an association keeps (kexie.people).
_PEOPLE_CODES = ["person.view", "person.manage", "expert.view", "expert.manage"]
# Award calls (kexie.awards): the national and provincial offices run calls and nominate; a city
# association and a society nominate through the channels they are given.
_AWARD_RUN_CODES = ["award.view", "award.manage", "award.nominate"]
_AWARD_NOMINATE_CODES = ["award.view", "award.nominate"]
# The services to enterprises and decision makers (kexie.demands, stations, visits, proposals): the
# national and provincial offices run them; a city association records demands, sees its stations,
# teams and campaigns and submits proposals; a county association records the demands of its
# enterprises; a society submits proposals and sees the stations it partners.
_SERVICE_RUN_CODES = ["demand.view", "demand.submit", "demand.manage", "station.view", "station.manage",
                      "visit.view", "visit.manage", "proposal.view", "proposal.submit", "proposal.manage"]
_SERVICE_CITY_CODES = ["demand.view", "demand.submit", "station.view", "visit.view", "proposal.view",
                       "proposal.submit"]
_SERVICE_COUNTY_CODES = ["demand.view", "demand.submit"]
_SERVICE_SOCIETY_CODES = ["station.view", "proposal.view", "proposal.submit"]
# Activities (kexie.activities): every association and society records the activities it holds
# and sees those of its subtree.
_ACTIVITY_CODES = ["activity.view", "activity.manage"]
# Volunteers (kexie.volunteers): every association and society runs its volunteer teams. Survey
# stations (kexie.surveys): the national, provincial and city associations run stations and rounds;
# a county association sees those of its area.
_VOLUNTEER_CODES = ["volunteer.view", "volunteer.manage"]
_SURVEY_RUN_CODES = ["survey.view", "survey.manage"]

BUILTIN_ROLES = [
    # code, name (Chinese, shown to users), scope, admin kind, codes
    # The national reform office verifies people across the network, so it may see unmasked
    # personal data (each viewing is audited); lower levels see masked values only.
    # The national and provincial offices work with S&T workers and enterprises outside the
    # network: they invite them as external accounts (external.invite); a city association and a
    # society's secretariat invite their own S&T workers too.
    ("national_clerk", "中国科协改革办工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE,
     [*_ORG_REGISTER_CODES, *_ISSUER_CODES, *_SOCIETY_OFFICE_CODES, "user.view", "pii.unmask", "external.invite",
      *_PEOPLE_CODES, *_AWARD_RUN_CODES, *_SERVICE_RUN_CODES, *_ACTIVITY_CODES, *_VOLUNTEER_CODES,
      *_SURVEY_RUN_CODES]),
    ("provincial_clerk", "省级科协工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE,
     [*_ORG_REGISTER_CODES, *_ISSUER_CODES, *_SOCIETY_OFFICE_CODES, "external.invite", *_PEOPLE_CODES,
      *_AWARD_RUN_CODES, *_SERVICE_RUN_CODES, *_ACTIVITY_CODES, *_VOLUNTEER_CODES,
      *_SURVEY_RUN_CODES]),
    ("city_clerk", "市级科协工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE,
     ["org.view", "org.export", *_ISSUER_CODES, *_AWARD_NOMINATE_CODES, *_SERVICE_CITY_CODES, *_ACTIVITY_CODES,
      *_VOLUNTEER_CODES, *_SURVEY_RUN_CODES, "external.invite"]),
    ("county_clerk", "县级科协工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE,
     ["org.view", *_FILER_CODES, *_SERVICE_COUNTY_CODES, *_ACTIVITY_CODES, *_VOLUNTEER_CODES, "survey.view"]),
    ("department_clerk", "机关部门工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE, ["org.view", *_FILER_CODES]),
    ("society_secretary", "学会秘书处工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE,
     ["org.view", *_FILER_CODES, "society.view", "society.manage", "annual_report.submit",
      *_AWARD_NOMINATE_CODES, *_SERVICE_SOCIETY_CODES, *_ACTIVITY_CODES, *_VOLUNTEER_CODES, "external.invite"]),
    ("viewer", "只读用户", DataScope.ORG, AdminKind.NONE, ["org.view", "plan.view", "society.view"]),
    # An expert of a review panel (评审专家): sees the registry and scores what is assigned to them.
    ("evaluation_expert", "评审专家", DataScope.ORG_AND_BELOW, AdminKind.NONE, ["society.view", "evaluation.score"]),
    ("system_admin", "系统管理员", DataScope.ALL, AdminKind.SYSTEM, sorted(ADMIN_CODES[AdminKind.SYSTEM])),
    ("security_admin", "安全管理员", DataScope.ALL, AdminKind.SECURITY, sorted(ADMIN_CODES[AdminKind.SECURITY])),
    ("audit_admin", "审计管理员", DataScope.ALL, AdminKind.AUDIT, sorted(ADMIN_CODES[AdminKind.AUDIT])),
]


def ensure_builtin_roles(role_model=None) -> None:
    """Create or refresh the built-in roles (idempotent; used by a migration and by the demo)."""
    if role_model is None:
        from .models import Role as role_model
    for code, name, scope, admin_kind, codes in BUILTIN_ROLES:
        role_model.objects.update_or_create(
            code=code,
            defaults={"name": name, "data_scope": scope, "admin_kind": admin_kind, "permissions": list(codes),
                      "require_totp": bool(admin_kind), "is_builtin": True},
        )
