"""The permission matrix: every URL the application serves, and who may reach it.

``REGISTRY`` maps each URL name to what it needs: the permission code, the persona who holds it,
how to build its arguments for an object inside that persona's data scope and for one outside
it, and the status the persona should get. From it every URL is checked four ways:

    anonymous                       -> the login page (HTML) or 401 (API)
    signed in without the code      -> 403
    the persona, object in scope    -> the entry's ``ok`` status
    the persona, object outside     -> 404

Two more callers are checked against every entry: the external persona (a public user: an S&T
worker or enterprise contact with an external account), who reaches only its own pages
(``EXTERNAL_REACHES``) and gets 404 everywhere else, API included; and the anonymous visitor, who
reaches only ``PUBLIC``.

The suite fails when a URL pattern exists without an entry here (a new page or endpoint must
say who may use it) and when an entry names a URL that no longer exists. Public URLs are listed
in ``PUBLIC`` with the status an anonymous visitor gets.

A new page gets one line per method, e.g. for a detail page and its form's POST:

    "plans:detail": [page("plan.view", kwargs=pk("city_a_plan"), outside=pk("city_b_plan"))],
    "api:plan-list": [api("plan.view"), api("plan.add", method="post", ok=201, data=...)],
"""

from dataclasses import dataclass

import pytest
from django.contrib.staticfiles.views import serve as static_serve
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse

from kexie.accounts.models import DataScope, Role
from kexie.accounts.permissions import PERMISSIONS
from tests.awards.matrix import call_of as award_call_of
from tests.awards.matrix import followup_of as award_followup_of
from tests.awards.matrix import nomination_of as award_nomination_of
from tests.activities import matrix as activities_matrix
from tests.coverage import matrix as coverage_matrix
from tests.surveys import matrix as surveys_matrix
from tests.volunteers import matrix as volunteers_matrix
from tests.demands import matrix as demands_matrix
from tests.evaluation.matrix import (
    assigned_evaluation,
    assignment_body,
    evaluation_of,
    leaderboard_of,
    review_body,
    rubric_of,
    rubric_with_evaluation,
)
from tests.evaluation.matrix import evidence_of as evaluation_evidence_of
from tests.notifications.matrix import notification_of
from tests.matrix_kit import Build, Expect, api, page
from tests.personas import World, make_external, make_user
from tests.people.matrix import entry_body, entry_of, library_of, merge_of, person_body, person_of
from tests.panels.matrix import round_of as review_round_of
from tests.panels.matrix_mine import expert as linked_expert
from tests.panels.matrix_mine import item_of as my_item_of
from tests.panels.matrix_mine import seat_of as my_seat_of
from tests.plans.alignment_matrix import (
    aligned_item,
    aligned_plan,
    alignment_of,
    decision_for,
    item_alignment_of,
    new_alignment,
)
from tests.societies.matrix import (
    journal_of,
    member_of,
    report_form_of,
    report_of as society_report_of,
    round_of as report_round_of,
    secretary_draft,
    society_of,
    society_without_profile,
    term_form,
)
from tests.proposals import matrix as proposals_matrix
from tests.selection.matrix import (
    application_of,
    assigned,
    attachment_of,
    expert_persona,
    flag_of,
    new_round,
    objection_of,
    round_of,
    unassigned,
)
from tests.stations import matrix as stations_matrix
from tests.tracking.matrix import cycle_of, deferral_of, new_deferral, new_report, report_of
from tests.tracking.matrix_pages import (
    deferral_form,
    report_evidence_of,
    report_form,
    schedule_form,
    tracked_plan_of,
    task_target_of,
    tracked_task_of,
)
from tests.visits import matrix as visits_matrix
from tests.tracking.matrix_supervision import (
    evidence_of,
    issue_form,
    new_instruction,
    new_notice,
    notice_of,
    task_of,
)


@dataclass(frozen=True)
class Public:
    method: str = "get"
    status: int = 200
    data: dict | None = None
    kwargs: dict | None = None


def pk(attr: str) -> Build:
    return lambda w: {"pk": getattr(w, attr).pk}


def role_pk(code: str) -> Build:
    return lambda w: {"pk": Role.objects.get(code=code).pk}


def pii_viewer(world: World):
    """A holder of pii.unmask limited to 甲省 (no built-in business role is given it everywhere)."""
    role, _ = Role.objects.get_or_create(code="matrix_pii", defaults={
        "name": "矩阵测试个人信息", "permissions": ["user.view", "pii.unmask"],
        "data_scope": DataScope.ORG_AND_BELOW})
    return make_user("matrix_pii_viewer", world.prov_a, [role.code])


def provincial_sysadmin(world: World):
    """A system administrator limited to 甲省: the built-in one sees everything, which leaves
    nothing outside the scope to try."""
    from kexie.accounts.permissions import ADMIN_CODES, AdminKind

    role, _ = Role.objects.get_or_create(code="matrix_prov_sysadmin", defaults={
        "name": "矩阵测试甲省系统管理员", "permissions": sorted(ADMIN_CODES[AdminKind.SYSTEM]),
        "admin_kind": AdminKind.SYSTEM, "data_scope": DataScope.ORG_AND_BELOW})
    return make_user("matrix_prov_sysadmin", world.prov_a, [role.code])


def position(of: str) -> Build:
    def build(world):
        from kexie.accounts.models import Position

        user = getattr(world, of)
        held = Position.objects.create(user=user, organization=user.organization, title="委员")
        return {"pk": user.pk, "position_pk": held.pk}
    return build


def import_batch(owner: str) -> Build:
    def build(world):
        from kexie.organizations.models import OrganizationImport

        batch = OrganizationImport.objects.create(created_by=getattr(world, owner), filename="组织.xlsx", rows=[])
        return {"pk": batch.pk}
    return build


def audit_row_pk(world):
    from kexie.audit.models import AuditLog

    return {"pk": AuditLog.objects.order_by("id").values_list("pk", flat=True).first()}


def plan_of(org_attr: str) -> Build:
    """A plan of that organisation with one task (a bare row: the matrix checks access, not content)."""
    def build(world):
        from kexie.plans.models import Plan, PlanItem

        plan = Plan.objects.create(organization=getattr(world, org_attr), title=f"矩阵测试规划{org_attr}")
        PlanItem.objects.create(plan=plan, key="1", position=1, depth=1, kind="task", title="矩阵测试任务")
        return {"pk": plan.pk}
    return build


def plan_with_file_of(org_attr: str) -> Build:
    """A plan of that organisation with its uploaded document kept."""
    def build(world):
        from django.core.files.base import ContentFile

        from kexie.plans.models import Plan

        pk = plan_of(org_attr)(world)["pk"]
        plan = Plan.objects.get(pk=pk)
        plan.source_name = "矩阵测试.txt"
        plan.source_file.save("matrix.txt", ContentFile("一、矩阵测试任务\n".encode()), save=True)
        return {"pk": pk}
    return build


def review_of(org_attr: str) -> Build:
    """A plan import under review for that organisation: one task whose lead unit is 办公室."""
    def build(world):
        from kexie.plans.models import PlanImport

        review = PlanImport.objects.create(
            organization=getattr(world, org_attr), source_text="1.矩阵测试任务。（办公室牵头）", parsed={
                "format": "kexie.plan/1", "title": "矩阵测试规划", "items": [{
                    "uid": 1, "key": "1", "marker": "1.", "kind": "task", "title": "矩阵测试任务", "text": "",
                    "lead_units": ["办公室"], "co_units": [], "targets": [], "due": None, "span": [0, 18]}]})
        return {"pk": review.pk}
    return build


def mapped_review_of(org_attr: str) -> Build:
    """A plan import under review whose one unit is already left unassigned: ready to confirm."""
    def build(world):
        from kexie.plans.models import PlanImport

        kwargs = review_of(org_attr)(world)
        PlanImport.objects.filter(pk=kwargs["pk"]).update(unit_mapping={"办公室": {"unassigned": True}})
        return kwargs
    return build


def plan_document(world):
    return {"organization": world.city_a.pk, "plan": {
        "format": "kexie.plan/1", "title": "矩阵测试规划", "items": [{
            "key": "1", "marker": "1.", "kind": "task", "title": "矩阵测试任务", "lead_units": ["办公室"],
            "co_units": [], "targets": [], "due": None}]}}


# Public: what an anonymous visitor gets.
PUBLIC: dict[str, Public] = {
    "accounts:login": Public(),
    "set_language": Public("post", 302, {"language": "zh-hans", "next": "/"}),
    "api:schema": Public(),
    "api:docs": Public(),
    "api:token": Public("post", 400, {}),  # no credentials: a 400 naming the fields
    "favicon": Public(),
    # Health and readiness probes of a load balancer (kexie.core.health).
    "healthz": Public(),
    "readyz": Public(),
    # Public users: self sign-up, password reset by code, invitations. The steps after the first
    # send a visitor without a code in their session back to the first.
    "accounts:signup": Public(),
    "accounts:signup_verify": Public(status=302),
    "accounts:signup_complete": Public(status=302),
    "accounts:password_reset": Public(),
    "accounts:password_reset_confirm": Public(status=302),
    "accounts:invitation_accept": Public(status=404, kwargs={"token": "no-such-invitation"}),
}

ORG_IN, ORG_OUT = pk("city_a"), pk("city_b")

REGISTRY: dict[str, list[Expect]] = {
    "home": [page(None)],
    # --- REST API -------------------------------------------------------------------------------
    "api:me": [api(None)],
    "api:dashboard": [api("plan.view")],
    "api:organization-list": [
        api("org.view"),
        api("org.add", method="post", ok=201,
            data=lambda w: {"parent": w.city_a.pk, "name": "矩阵测试高校科协", "kind": "university_association"}),
    ],
    "api:organization-detail": [
        api("org.view", kwargs=ORG_IN, outside=ORG_OUT),
        api("org.change", method="patch", kwargs=ORG_IN, outside=ORG_OUT, data=lambda w: {"short_name": "甲市"}),
    ],
    "api:organization-children": [api("org.view", kwargs=ORG_IN, outside=ORG_OUT)],
    "api:organization-ancestors": [api("org.view", kwargs=ORG_IN, outside=ORG_OUT)],
    "api:organization-move": [api("org.move", method="post", kwargs=pk("county_a"), outside=pk("county_b"),
                                  data=lambda w: {"parent": w.prov_a.pk})],
    "api:organization-status": [api("org.deactivate", method="post", kwargs=pk("county_a"),
                                    outside=pk("county_b"), data=lambda w: {"status": "dormant"})],
    "api:user-list": [api("user.view", user=provincial_sysadmin)],
    "api:user-detail": [api("user.view", user=provincial_sysadmin, kwargs=pk("county_clerk"),
                            outside=pk("other_provincial_clerk"))],
    "api:user-unmask": [api("pii.unmask", method="post", user=pii_viewer, kwargs=pk("county_clerk"),
                            outside=pk("other_provincial_clerk"), data=lambda w: {"field": "mobile"})],
    "api:role-list": [api("role.manage", user="system_admin")],
    "api:role-detail": [api("role.manage", user="system_admin", kwargs=role_pk("viewer"))],
    "api:auditlog-list": [api("audit.view", user="audit_admin")],
    "api:auditlog-detail": [api("audit.view", user="audit_admin", kwargs=audit_row_pk)],
    "api:loginlog-list": [api("loginlog.view", user="security_admin")],
    "api:plan-list": [api("plan.view")],
    "api:plan-detail": [api("plan.view", kwargs=plan_of("city_a"), outside=plan_of("city_b"))],
    "api:plan-export": [api("plan.export", kwargs=plan_of("city_a"), outside=plan_of("city_b"))],
    "api:planimport-list": [api("plan.import"), api("plan.import", method="post", ok=201, data=plan_document)],
    "api:planimport-detail": [api("plan.import", kwargs=review_of("city_a"), outside=review_of("city_b"))],
    "api:planimport-map-unit": [api("plan.import", method="post", kwargs=review_of("city_a"),
                                    outside=review_of("city_b"), data=lambda w: {"unit": "办公室", "unassigned": True})],
    "api:planimport-confirm": [api("plan.import", method="post", ok=201, kwargs=mapped_review_of("city_a"),
                                   outside=mapped_review_of("city_b"))],
    "api:ledger-list": [api("plan.view")],
    "api:planalignment-list": [api("plan.view"),
                               api("plan.change", method="post", ok=201, data=new_alignment)],
    "api:planalignment-detail": [api("plan.view", kwargs=alignment_of("city_a"), outside=alignment_of("city_b"))],
    "api:planalignment-coverage": [api("plan.view", kwargs=alignment_of("city_a"), outside=alignment_of("city_b"))],
    "api:planalignment-accept-above": [api("plan.change", method="post", kwargs=alignment_of("city_a"),
                                           outside=alignment_of("city_b"))],
    "api:planalignment-accept-strong": [api("plan.change", method="post", kwargs=alignment_of("city_a"),
                                            outside=alignment_of("city_b"))],
    "api:itemalignment-decide": [api("plan.change", method="post", kwargs=item_alignment_of("city_a"),
                                     outside=item_alignment_of("city_b"), data=decision_for)],
    "api:reportingcycle-list": [api("plan.view")],
    "api:reportingcycle-detail": [api("plan.view", kwargs=cycle_of("prov_a"), outside=cycle_of("prov_b"))],
    "api:reportingcycle-filing": [api("plan.view", kwargs=cycle_of("prov_a"), outside=cycle_of("prov_b"))],
    "api:progressreport-list": [api("plan.view"),
                                api("report.submit", method="post", ok=201, data=new_report)],
    "api:progressreport-detail": [api("plan.view", kwargs=report_of("city_a", "prov_a"),
                                      outside=report_of("city_b", "prov_b"))],
    "api:progressreport-accept": [api("report.review", method="post", kwargs=report_of("city_a", "prov_a"),
                                      outside=report_of("city_b", "prov_b"))],
    "api:progressreport-return": [api("report.review", method="post", kwargs=report_of("city_a", "prov_a"),
                                      outside=report_of("city_b", "prov_b"), data=lambda w: {"reason": "矩阵"})],
    "api:tasksnapshot-list": [api("plan.view")],
    "api:tasksnapshot-counts": [api("plan.view")],
    "api:deferralrequest-list": [api("plan.view"),
                                 api("report.submit", method="post", ok=201, data=new_deferral)],
    "api:deferralrequest-detail": [api("plan.view", kwargs=deferral_of("city_a", "prov_a"),
                                       outside=deferral_of("city_b", "prov_b"))],
    "api:deferralrequest-approve": [api("deferral.approve", method="post", kwargs=deferral_of("city_a", "prov_a"),
                                        outside=deferral_of("city_b", "prov_b"))],
    "api:deferralrequest-reject": [api("deferral.approve", method="post", kwargs=deferral_of("city_a", "prov_a"),
                                       outside=deferral_of("city_b", "prov_b"), data=lambda w: {"reason": "矩阵"})],
    "api:supervisionnotice-list": [api("plan.view"),
                                   api("supervise.manage", method="post", ok=201, data=new_notice)],
    "api:supervisionnotice-detail": [api("plan.view", kwargs=notice_of("city_a", "prov_a"),
                                         outside=notice_of("city_b", "prov_b"))],
    # Answered for 甲市 by 甲省, which has it in scope; a notice 甲省 sent itself it may not answer.
    "api:supervisionnotice-reply": [api("report.submit", method="post", kwargs=notice_of("city_a", "cast"),
                                        outside=notice_of("city_b", "prov_b"), data=lambda w: {"text": "矩阵"})],
    "api:supervisionnotice-close": [api("supervise.manage", method="post",
                                        kwargs=notice_of("city_a", "prov_a", replied=True),
                                        outside=notice_of("city_b", "prov_b", replied=True))],
    "api:instruction-list": [api("plan.view"),
                             api("supervise.manage", method="post", ok=201, data=new_instruction)],
    # --- accounts -------------------------------------------------------------------------------
    "accounts:logout": [page(None, method="post", ok=302)],
    "accounts:profile": [page(None)],
    "accounts:password_change": [page(None)],
    "accounts:otp": [page(None)],
    # An external account's own page; staff are sent to their profile.
    "accounts:me": [page(None, ok=302)],
    "accounts:invitations": [page("external.invite"),
                             page("external.invite", method="post", ok=302,
                                  data=lambda w: {"address": "matrix.invitee@example.cn"})],
    "accounts:user_list": [page("user.view", user=provincial_sysadmin)],
    "accounts:user_detail": [page("user.view", user=provincial_sysadmin, kwargs=pk("county_clerk"),
                                  outside=pk("other_provincial_clerk"))],
    "accounts:user_create": [page("user.manage", user=provincial_sysadmin)],
    "accounts:user_edit": [page("user.manage", user=provincial_sysadmin, kwargs=pk("county_clerk"),
                                outside=pk("other_provincial_clerk"))],
    "accounts:user_action": [page("user.manage", method="post", ok=302, user=provincial_sysadmin,
                                  kwargs=pk("county_clerk"), outside=pk("other_provincial_clerk"),
                                  data=lambda w: {"action": "deactivate"})],
    "accounts:unmask": [page("pii.unmask", method="post", user=pii_viewer, kwargs=pk("county_clerk"),
                             outside=pk("other_provincial_clerk"), data=lambda w: {"field": "mobile"})],
    "accounts:position_add": [page("user.manage", method="post", ok=302, user=provincial_sysadmin,
                                   kwargs=pk("county_clerk"), outside=pk("other_provincial_clerk"),
                                   data=lambda w: {})],
    "accounts:position_remove": [page("user.manage", method="post", ok=302, user=provincial_sysadmin,
                                      kwargs=position("county_clerk"), outside=position("other_provincial_clerk"))],
    "accounts:role_list": [page("role.manage", user="system_admin")],
    "accounts:role_create": [page("role.manage", user="system_admin")],
    "accounts:role_edit": [page("role.manage", user="system_admin", kwargs=role_pk("viewer"))],
    "accounts:security_policy": [page("security.manage", user="security_admin")],
    "accounts:login_log": [page("loginlog.view", user="security_admin")],
    # --- audit ------------------------------------------------------------------------------------
    "audit:list": [page("audit.view", user="audit_admin")],
    "audit:detail": [page("audit.view", user="audit_admin", kwargs=audit_row_pk)],
    "audit:export": [page("audit.view", user="audit_admin")],
    # --- organisations ----------------------------------------------------------------------------
    "organizations:tree": [page("org.view")],
    "organizations:children": [page("org.view", kwargs=ORG_IN, outside=ORG_OUT)],
    "organizations:search": [page("org.view")],
    "organizations:list": [page("org.view")],
    "organizations:detail": [page("org.view", kwargs=ORG_IN, outside=ORG_OUT)],
    "organizations:create": [page("org.add")],
    "organizations:edit": [
        page("org.change", kwargs=ORG_IN, outside=ORG_OUT),
        page("org.change", method="post", kwargs=ORG_IN, outside=ORG_OUT, data=lambda w: {}),
    ],
    "organizations:move": [
        page("org.move", kwargs=pk("county_a"), outside=pk("county_b")),
        page("org.move", method="post", kwargs=pk("county_a"), outside=pk("county_b"), data=lambda w: {}),
    ],
    "organizations:status": [
        page("org.deactivate", kwargs=pk("county_a"), outside=pk("county_b")),
        page("org.deactivate", method="post", kwargs=pk("county_a"), outside=pk("county_b"), data=lambda w: {}),
    ],
    "organizations:batch_status": [
        # In scope it redirects back to the list; one id outside the scope makes the whole request 404.
        page("org.deactivate", method="post", ok=302,
             data=lambda w: {"ids": [w.county_a.pk], "status": "dormant", "reason": "矩阵"}),
        page("org.deactivate", method="post", ok=404,
             data=lambda w: {"ids": [w.county_a.pk, w.county_b.pk], "status": "dormant"}),
    ],
    "organizations:import": [page("org.import")],
    "organizations:import_template": [page("org.import")],
    "organizations:import_preview": [page("org.import", kwargs=import_batch("provincial_clerk"),
                                          outside=import_batch("other_provincial_clerk"))],
    "organizations:import_confirm": [page("org.import", method="post", ok=302, data=lambda w: {},
                                          kwargs=import_batch("provincial_clerk"),
                                          outside=import_batch("other_provincial_clerk"))],
    "organizations:export": [page("org.export")],
    # --- plans and the import review -----------------------------------------------------------------
    "plans:list": [page("plan.view")],
    "plans:detail": [page("plan.view", kwargs=plan_of("city_a"), outside=plan_of("city_b"))],
    "plans:export_json": [page("plan.export", kwargs=plan_of("city_a"), outside=plan_of("city_b"))],
    "plans:source_file": [page("plan.view", kwargs=plan_with_file_of("city_a"), outside=plan_with_file_of("city_b"))],
    "plans:revise": [
        page("plan.import", kwargs=plan_of("city_a"), outside=plan_of("city_b")),
        page("plan.import", method="post", kwargs=plan_of("city_a"), outside=plan_of("city_b"), data=lambda w: {}),
    ],
    "plans:import": [page("plan.import"), page("plan.import", method="post", data=lambda w: {})],
    "plans:review": [page("plan.import", kwargs=review_of("city_a"), outside=review_of("city_b"))],
    "plans:review_edit": [page("plan.import", method="post", ok=302, kwargs=review_of("city_a"),
                               outside=review_of("city_b"),
                               data=lambda w: {"operation": "edit", "uid": 1, "title": "矩阵测试任务（改）"})],
    "plans:review_metadata": [page("plan.import", method="post", ok=302, kwargs=review_of("city_a"),
                                   outside=review_of("city_b"), data=lambda w: {"title": "矩阵测试规划（改）"})],
    "plans:review_map_unit": [page("plan.import", method="post", ok=302, kwargs=review_of("city_a"),
                                   outside=review_of("city_b"), data=lambda w: {"unit": "办公室", "unassigned": "1"})],
    "plans:review_accept_suggestions": [page("plan.import", method="post", ok=302, kwargs=review_of("city_a"),
                                             outside=review_of("city_b"))],
    "plans:review_confirm": [page("plan.import", method="post", ok=302, kwargs=review_of("city_a"),
                                  outside=review_of("city_b"))],
    "plans:review_discard": [page("plan.import", method="post", ok=302, kwargs=review_of("city_a"),
                                  outside=review_of("city_b"))],
    "plans:alignment": [
        page("plan.view", kwargs=aligned_plan("city_a"), outside=aligned_plan("city_b")),
        # Without an upper plan chosen the page says so and sends the user back.
        page("plan.change", method="post", ok=302, kwargs=aligned_plan("city_a"), outside=aligned_plan("city_b"),
             data=lambda w: {}),
    ],
    "plans:alignment_accept": [page("plan.change", method="post", ok=302, kwargs=aligned_plan("city_a"),
                                    outside=aligned_plan("city_b"))],
    "plans:alignment_decide": [page("plan.change", method="post", ok=302, kwargs=aligned_item("city_a"),
                                    outside=aligned_item("city_b"), data=lambda w: {"none": "1"})],
    "plans:alignment_search": [page("plan.view", kwargs=aligned_item("city_a"), outside=aligned_item("city_b"))],
    "plans:alignment_coverage": [page("plan.view", kwargs=aligned_plan("city_a"), outside=aligned_plan("city_b"))],
    "plans:alignment_coverage_export": [page("plan.export", kwargs=aligned_plan("city_a"),
                                             outside=aligned_plan("city_b"))],
    # --- ledger (台账) -------------------------------------------------------------------------------
    "ledger:all": [page("plan.view")],
    "ledger:plan": [page("plan.view", kwargs=plan_of("city_a"), outside=plan_of("city_b"))],
    "ledger:export": [page("plan.export")],
    "ledger:plan_export": [page("plan.export", kwargs=plan_of("city_a"), outside=plan_of("city_b"))],
    "ledger:import": [page("plan.change")],
    "ledger:plan_import": [page("plan.change", kwargs=plan_of("city_a"), outside=plan_of("city_b"))],
    # Without a checked file waiting in the session it sends the user back to the upload page.
    "ledger:import_confirm": [page("plan.change", method="post", ok=302, data=lambda w: {"token": "none"})],
    # --- notifications: anyone signed in, their own only (another user's is a 404) -------------------
    "notifications:inbox": [page(None)],
    "notifications:read": [page(None, method="post", ok=302, kwargs=notification_of("provincial_clerk"),
                                outside=notification_of("other_provincial_clerk"))],
    "notifications:read_all": [page(None, method="post", ok=302)],
    "api:notification-list": [api(None)],
    "api:notification-read": [api(None, method="post", kwargs=notification_of("provincial_clerk"),
                                  outside=notification_of("other_provincial_clerk"))],
    # --- supervision (督办单, 批示) -------------------------------------------------------------------
    "supervision:list": [page("plan.view")],
    "supervision:export": [page("plan.export")],
    "supervision:detail": [page("plan.view", kwargs=notice_of("city_a", "prov_a"),
                                outside=notice_of("city_b", "prov_b"))],
    "supervision:evidence": [page("plan.view", kwargs=evidence_of("city_a", "prov_a"),
                                  outside=evidence_of("city_b", "prov_b"))],
    "supervision:reply": [
        page("report.submit", kwargs=notice_of("city_a", "cast"), outside=notice_of("city_b", "prov_b")),
        page("report.submit", method="post", ok=302, kwargs=notice_of("city_a", "cast"),
             outside=notice_of("city_b", "prov_b"), data=lambda w: {"text": "矩阵"}),
    ],
    "supervision:print": [page("plan.view", kwargs=notice_of("city_a", "prov_a"),
                               outside=notice_of("city_b", "prov_b"))],
    "supervision:docx": [page("plan.view", kwargs=notice_of("city_a", "prov_a"),
                              outside=notice_of("city_b", "prov_b"))],
    "supervision:close": [page("supervise.manage", method="post", ok=302,
                               kwargs=notice_of("city_a", "prov_a", replied=True),
                               outside=notice_of("city_b", "prov_b", replied=True))],
    "supervision:issue": [
        page("supervise.manage", kwargs=task_of("city_a", "prov_a"), outside=task_of("city_b", "prov_b")),
        page("supervise.manage", method="post", ok=302, kwargs=task_of("city_a", "prov_a"),
             outside=task_of("city_b", "prov_b"), data=issue_form),
    ],
    "supervision:instruction_add": [
        page("supervise.manage", kwargs=task_of("city_a", "prov_a"), outside=task_of("city_b", "prov_b")),
        page("supervise.manage", method="post", ok=302, kwargs=task_of("city_a", "prov_a"),
             outside=task_of("city_b", "prov_b"), data=lambda w: {"text": "矩阵批示"}),
    ],
    "supervision:instructions": [page("plan.view")],
    # --- tracking pages: task, filing, review, deferrals, cascade, cycles -----------------------------
    "tracking:task": [page("plan.view", kwargs=tracked_task_of("city_a", "prov_a"),
                           outside=tracked_task_of("city_b", "prov_b"))],
    "tracking:report_file": [
        page("report.submit", kwargs=tracked_task_of("city_a", "prov_a"), outside=tracked_task_of("city_b", "prov_b")),
        page("report.submit", method="post", ok=302, kwargs=tracked_task_of("city_a", "prov_a"),
             outside=tracked_task_of("city_b", "prov_b"), data=report_form),
    ],
    "tracking:target_measure": [page("plan.change", method="post", ok=400, data=lambda w: {"measure": "no.such"},
                                     kwargs=task_target_of("city_a", "prov_a"),
                                     outside=task_target_of("city_b", "prov_b"))],
    "tracking:deferral_create": [page("report.submit", method="post", ok=302, kwargs=tracked_task_of("city_a", "prov_a"),
                                      outside=tracked_task_of("city_b", "prov_b"), data=deferral_form)],
    "tracking:cascade": [
        page("supervise.manage", kwargs=tracked_task_of("city_a", "prov_a"), outside=tracked_task_of("city_b", "prov_b")),
        page("supervise.manage", method="post", ok=302, kwargs=tracked_task_of("city_a", "prov_a"),
             outside=tracked_task_of("city_b", "prov_b"), data=lambda w: {"organizations": [w.city_a.pk]}),
    ],
    "tracking:filing": [page("report.submit")],
    "tracking:reviews": [page("report.review")],
    "tracking:report": [page("plan.view", kwargs=report_of("city_a", "prov_a"), outside=report_of("city_b", "prov_b"))],
    "tracking:report_accept": [page("report.review", method="post", ok=302, kwargs=report_of("city_a", "prov_a"),
                                    outside=report_of("city_b", "prov_b"))],
    # Another province's report among those posted is a 404: tests/tracking/test_pages_bulk_accept.py.
    "tracking:reviews_accept": [page("report.review", method="post", ok=302, data=lambda w: {
        "report": [report_of("city_a", "prov_a")(w)["pk"]], "confirmed": "1"})],
    "tracking:report_return": [page("report.review", method="post", ok=302, kwargs=report_of("city_a", "prov_a"),
                                    outside=report_of("city_b", "prov_b"), data=lambda w: {"reason": "矩阵"})],
    "tracking:evidence": [page("plan.view", kwargs=report_evidence_of("city_a", "prov_a"),
                               outside=report_evidence_of("city_b", "prov_b"))],
    "tracking:deferrals": [page("plan.view")],
    "tracking:deferral_approve": [page("deferral.approve", method="post", ok=302, kwargs=deferral_of("city_a", "prov_a"),
                                       outside=deferral_of("city_b", "prov_b"))],
    "tracking:deferral_reject": [page("deferral.approve", method="post", ok=302, kwargs=deferral_of("city_a", "prov_a"),
                                      outside=deferral_of("city_b", "prov_b"), data=lambda w: {"reason": "矩阵"})],
    "tracking:plan": [page("plan.view", kwargs=tracked_plan_of("prov_a"), outside=tracked_plan_of("prov_b"))],
    "tracking:plan_schedule": [page("supervise.manage", method="post", ok=302, kwargs=tracked_plan_of("prov_a"),
                                    outside=tracked_plan_of("prov_b"), data=schedule_form)],
    "tracking:plan_thresholds": [page("supervise.manage", method="post", ok=302, kwargs=tracked_plan_of("prov_a"),
                                      outside=tracked_plan_of("prov_b"),
                                      data=lambda w: {"amber_gap": "10", "red_gap": "25"})],
    "tracking:cycle": [page("plan.view", kwargs=cycle_of("prov_a"), outside=cycle_of("prov_b"))],
    # --- society evaluation: rubrics, scores, leaderboard (tests/evaluation) ------------------------
    "evaluation:index": [page("society.view")],
    "evaluation:rubric_create": [page("evaluation.manage"),
                                 page("evaluation.manage", method="post", data=lambda w: {})],
    "evaluation:rubric": [page("society.view", kwargs=rubric_of("prov_a"), outside=rubric_of("prov_b"))],
    "evaluation:rubric_edit": [page("evaluation.manage", method="post", ok=302, kwargs=rubric_of("prov_a"),
                                    outside=rubric_of("prov_b"),
                                    data=lambda w: {"operation": "add_dimension", "code": "m", "name": "矩阵",
                                                    "weight": "10"})],
    "evaluation:rubric_freeze": [page("evaluation.manage", method="post", ok=302, kwargs=rubric_of("prov_a"),
                                      outside=rubric_of("prov_b"))],
    "evaluation:rubric_new_version": [page("evaluation.manage", method="post", ok=302, kwargs=rubric_of("prov_a"),
                                           outside=rubric_of("prov_b"), data=lambda w: {"year": "2026"})],
    "evaluation:rubric_evaluate": [page("evaluation.manage", method="post", ok=302,
                                        kwargs=rubric_of("prov_a", frozen=True),
                                        outside=rubric_of("prov_b", frozen=True))],
    "evaluation:rubric_finalise": [page("evaluation.manage", method="post", ok=302,
                                        kwargs=rubric_of("prov_a", frozen=True),
                                        outside=rubric_of("prov_b", frozen=True))],
    "evaluation:rubric_publish": [page("evaluation.manage", method="post", ok=302,
                                       kwargs=rubric_of("prov_a", frozen=True),
                                       outside=rubric_of("prov_b", frozen=True))],
    "evaluation:evaluation": [page("society.view", kwargs=evaluation_of("prov_a"), outside=evaluation_of("prov_b"))],
    "evaluation:self_score": [
        page("annual_report.submit", user="society_secretary", kwargs=evaluation_of("society"),
             outside=evaluation_of("prov_b")),
        page("annual_report.submit", method="post", ok=302, user="society_secretary",
             kwargs=evaluation_of("society"), outside=evaluation_of("prov_b"), data=lambda w: {"save": "1"}),
    ],
    # Review work is the assigned expert's: an evaluation not assigned to them is "not found".
    "evaluation:review": [
        page("evaluation.score", user=expert_persona, kwargs=assigned_evaluation("prov_a"),
             outside=evaluation_of("prov_a", "submitted")),
        page("evaluation.score", method="post", ok=302, user=expert_persona, kwargs=assigned_evaluation("prov_a"),
             outside=evaluation_of("prov_a", "submitted"), data=lambda w: {}),
    ],
    "evaluation:reviewers": [
        page("evaluation.manage", kwargs=rubric_with_evaluation("prov_a"), outside=rubric_with_evaluation("prov_b")),
        page("evaluation.manage", method="post", ok=302, kwargs=rubric_with_evaluation("prov_a"),
             outside=rubric_with_evaluation("prov_b"), data=assignment_body)],
    "evaluation:evidence": [page("society.view", kwargs=evaluation_evidence_of("prov_a"),
                                 outside=evaluation_evidence_of("prov_b"))],
    # A published leaderboard is a publication: every holder of society.view reads it.
    "evaluation:leaderboard": [page("society.view", kwargs=leaderboard_of("prov_b"))],
    "evaluation:leaderboard_export": [page("society.view", kwargs=leaderboard_of("prov_b"))],
    "api:rubric-list": [api("society.view")],
    "api:rubric-detail": [api("society.view", kwargs=rubric_of("prov_a"), outside=rubric_of("prov_b"))],
    "api:evaluation-list": [api("society.view")],
    "api:evaluation-detail": [api("society.view", kwargs=evaluation_of("prov_a"), outside=evaluation_of("prov_b"))],
    "api:evaluation-review": [api("evaluation.score", method="post", user=expert_persona,
                                  kwargs=assigned_evaluation("prov_a"), outside=evaluation_of("prov_a", "submitted"),
                                  data=review_body)],
    "api:leaderboard-list": [api("society.view")],
    "api:leaderboard-detail": [api("society.view", kwargs=leaderboard_of("prov_b"))],
    # --- societies: registry, annual reports and their import (tests/societies) ----------------------
    "societies:list": [page("society.view")],
    "societies:export": [page("society.view")],
    "societies:create": [page("society.manage"), page("society.manage", method="post", data=lambda w: {})],
    "societies:profile_create": [page("society.manage", kwargs=society_without_profile("prov_a"),
                                      outside=society_without_profile("prov_b"))],
    "societies:detail": [page("society.view", kwargs=society_of("prov_a"), outside=society_of("prov_b"))],
    "societies:edit": [page("society.manage", kwargs=society_of("prov_a"), outside=society_of("prov_b"))],
    "societies:term_create": [page("society.manage", method="post", ok=302, kwargs=society_of("prov_a"),
                                   outside=society_of("prov_b"), data=term_form)],
    "societies:journal_add": [page("society.manage", method="post", ok=302, kwargs=society_of("prov_a"),
                                   outside=society_of("prov_b"), data=lambda w: {"title": "矩阵期刊"})],
    "societies:journal_delete": [page("society.manage", method="post", ok=302, kwargs=journal_of("prov_a"),
                                      outside=journal_of("prov_b"))],
    "societies:member_add": [page("society.manage", method="post", ok=302, kwargs=society_of("prov_a"),
                                  outside=society_of("prov_b"), data=lambda w: {"kind": "individual", "name": "矩阵"})],
    "societies:member_delete": [page("society.manage", method="post", ok=302, kwargs=member_of("prov_a"),
                                     outside=member_of("prov_b"))],
    "societies:inspection_add": [page("society.manage", method="post", ok=302, kwargs=society_of("prov_a"),
                                      outside=society_of("prov_b"), data=lambda w: {"year": 2024, "result": "qualified"})],
    "societies:reachable": [page("society.manage", method="post", ok=302, kwargs=society_of("prov_a"),
                                 outside=society_of("prov_b"), data=lambda w: {"reachable": "0"})],
    "societies:my_reports": [page("annual_report.submit", user="society_secretary")],
    "societies:report_form": [page("annual_report.submit", user="society_secretary", kwargs=report_form_of("society"),
                                   outside=report_form_of("prov_b"))],
    "societies:review_queue": [page("annual_report.review")],
    "societies:reports_export": [page("annual_report.review")],
    "societies:report_detail": [page("society.view", kwargs=society_report_of("prov_a"),
                                     outside=society_report_of("prov_b"))],
    "societies:report_accept": [page("annual_report.review", method="post", ok=302, kwargs=society_report_of("prov_a"),
                                     outside=society_report_of("prov_b"))],
    "societies:report_return": [page("annual_report.review", method="post", ok=302, kwargs=society_report_of("prov_a"),
                                     outside=society_report_of("prov_b"), data=lambda w: {"reason": "矩阵"})],
    "societies:round_open": [page("annual_report.review", method="post", ok=302,
                                  data=lambda w: {"year": 2026, "due_on": "2027-03-31"})],
    "societies:round_close": [page("annual_report.review", method="post", ok=302, kwargs=report_round_of("prov_a"),
                                   outside=report_round_of("prov_b"))],
    "societies:import": [page("annual_report.review")],
    "societies:import_template": [page("annual_report.review")],
    # Without a checked file waiting in the session it sends the user back to the upload page.
    "societies:import_confirm": [page("annual_report.review", method="post", ok=302, data=lambda w: {"token": "none"})],
    "api:society-list": [api("society.view")],
    "api:society-detail": [api("society.view", kwargs=society_of("prov_a"), outside=society_of("prov_b"))],
    "api:annualreport-list": [api("society.view"), api("annual_report.submit", method="post", ok=201,
                                                       user="society_secretary", data=secretary_draft)],
    "api:annualreport-detail": [api("society.view", kwargs=society_report_of("prov_a"),
                                    outside=society_report_of("prov_b"))],
    "api:annualreport-submit": [api("annual_report.submit", method="post", user="society_secretary",
                                    kwargs=society_report_of("society", status="draft"),
                                    outside=society_report_of("prov_b", status="draft"))],
    "api:annualreport-accept": [api("annual_report.review", method="post", kwargs=society_report_of("prov_a"),
                                    outside=society_report_of("prov_b"))],
    "api:annualreport-return": [api("annual_report.review", method="post", kwargs=society_report_of("prov_a"),
                                    outside=society_report_of("prov_b"), data=lambda w: {"reason": "矩阵"})],
    # --- 一流学会 selection and "四个一批" (staff of 甲省 in scope, 乙省 outside) -------------------------
    "selection:round_list": [page("society.view")],
    "selection:round_create": [page("evaluation.manage"),
                               page("evaluation.manage", method="post", ok=302, data=new_round)],
    "selection:round_detail": [page("society.view", kwargs=round_of("prov_a"), outside=round_of("prov_b"))],
    "selection:round_advance": [page("evaluation.manage", method="post", ok=302, kwargs=round_of("prov_a", "draft"),
                                     outside=round_of("prov_b", "draft"), data=lambda w: {"step": "open"})],
    "selection:panel_add": [page("evaluation.manage", method="post", ok=302, kwargs=round_of("prov_a"),
                                 outside=round_of("prov_b"), data=lambda w: {})],
    # A secretary applies to a round of an association above their society; 乙省's is not.
    "selection:apply": [page("annual_report.submit", user="society_secretary", kwargs=round_of("cast"),
                             outside=round_of("prov_b"))],
    "selection:objection_add": [page("evaluation.manage", method="post", ok=302, kwargs=round_of("prov_a", "notice"),
                                     outside=round_of("prov_b", "notice"), data=lambda w: {})],
    "selection:objection_handle": [page("evaluation.manage", method="post", ok=302, kwargs=objection_of("prov_a"),
                                        outside=objection_of("prov_b"),
                                        data=lambda w: {"handling": "矩阵", "upheld": "no"})],
    "selection:application_detail": [page("society.view", kwargs=application_of("prov_a"),
                                          outside=application_of("prov_b"))],
    "selection:application_evaluation": [page("evaluation.manage", method="post", ok=302,
                                              kwargs=application_of("prov_a"), outside=application_of("prov_b"),
                                              data=lambda w: {"score": "85", "grade": "A"})],
    "selection:attachment": [page("society.view", kwargs=attachment_of("prov_a"), outside=attachment_of("prov_b"))],
    "selection:my_reviews": [page("evaluation.score", user=expert_persona)],
    "selection:score": [page("evaluation.score", user=expert_persona, kwargs=assigned("prov_a"),
                             outside=unassigned("prov_a"))],
    "selection:recuse": [page("evaluation.score", method="post", ok=302, user=expert_persona,
                              kwargs=assigned("prov_a"), outside=unassigned("prov_a"),
                              data=lambda w: {"reason": "矩阵"})],
    "selection:flags": [page("evaluation.manage")],
    "selection:flags_export": [page("evaluation.manage")],
    "selection:flags_compute": [page("evaluation.manage", method="post", ok=302, data=lambda w: {"year": 2025})],
    "selection:flag_detail": [page("evaluation.manage", kwargs=flag_of("prov_a"), outside=flag_of("prov_b")),
                              page("evaluation.manage", method="post", ok=302, kwargs=flag_of("prov_a"),
                                   outside=flag_of("prov_b"), data=lambda w: {"action": "keep", "note": "矩阵"})],
    "api:selectionround-list": [api("society.view")],
    "api:selectionround-detail": [api("society.view", kwargs=round_of("prov_a"), outside=round_of("prov_b"))],
    "api:societyflag-list": [api("evaluation.manage")],
    "api:societyflag-detail": [api("evaluation.manage", kwargs=flag_of("prov_a"), outside=flag_of("prov_b"))],
    "api:societyflag-decide": [api("evaluation.manage", method="post", kwargs=flag_of("prov_a"),
                                   outside=flag_of("prov_b"), data=lambda w: {"action": "keep", "note": "矩阵"})],
    # --- person records and expert libraries (tests/people): 甲省's records in scope, 乙省's outside ----
    "people:list": [page("person.view")],
    "people:create": [page("person.manage"), page("person.manage", method="post", data=lambda w: {})],
    # The pickers' search: any signed-in user, each picker scoping what it returns; without ?field=
    # it has no picker to answer for (400). tests/people/test_picker.py checks the answers.
    "people:pick": [page(None, ok=400)],
    "people:detail": [page("person.view", kwargs=person_of("prov_a"), outside=person_of("prov_b"))],
    "people:edit": [page("person.manage", kwargs=person_of("prov_a"), outside=person_of("prov_b"))],
    "people:unmask": [page("pii.unmask", method="post", user=pii_viewer, kwargs=person_of("prov_a"),
                           outside=person_of("prov_b"), data=lambda w: {"field": "phone"})],
    "people:relation_add": [page("person.manage", method="post", ok=302, kwargs=person_of("prov_a"),
                                 outside=person_of("prov_b"), data=lambda w: {})],
    "people:entry_add": [page("expert.manage", method="post", ok=302, kwargs=person_of("prov_a"),
                              outside=person_of("prov_b"), data=lambda w: {})],
    "people:account_link": [page("person.manage", method="post", ok=302, kwargs=person_of("prov_a"),
                                 outside=person_of("prov_b"), data=lambda w: {"address": "nobody@example.cn"})],
    "people:account_unlink": [page("person.manage", method="post", ok=302, kwargs=person_of("prov_a"),
                                   outside=person_of("prov_b"))],
    "people:account_invite": [page("external.invite", method="post", ok=302, kwargs=person_of("prov_a"),
                                   outside=person_of("prov_b"))],
    "people:import": [page("person.manage")],
    "people:import_template": [page("person.manage")],
    "people:import_confirm": [page("person.manage", method="post", ok=302, data=lambda w: {"token": "none"})],
    "people:duplicates": [page("person.manage")],
    "people:merge": [page("person.manage", ok=302)],
    "people:merge_undo": [page("person.manage", method="post", ok=302, kwargs=merge_of("prov_a"),
                               outside=merge_of("prov_b"))],
    "people:libraries": [page("expert.view")],
    "people:library": [page("expert.view", kwargs=library_of("prov_a"), outside=library_of("prov_b"))],
    "people:library_export": [page("expert.view", kwargs=library_of("prov_a"), outside=library_of("prov_b"))],
    "people:library_import": [page("expert.manage", method="post", ok=302, kwargs=library_of("prov_a"),
                                   outside=library_of("prov_b"), data=lambda w: {})],
    "people:entry": [page("expert.view", kwargs=entry_of("prov_a"), outside=entry_of("prov_b"))],
    "people:entry_edit": [page("expert.manage", method="post", ok=302, kwargs=entry_of("prov_a"),
                               outside=entry_of("prov_b"), data=lambda w: {})],
    "people:entry_status": [page("expert.manage", method="post", ok=302, kwargs=entry_of("prov_a"),
                                 outside=entry_of("prov_b"), data=lambda w: {})],
    "people:works_import": [page("expert.manage", method="post", ok=302, kwargs=entry_of("prov_a"),
                                 outside=entry_of("prov_b"), data=lambda w: {})],
    "people:review_add": [page("expert.manage", method="post", ok=302, kwargs=entry_of("prov_a"),
                               outside=entry_of("prov_b"), data=lambda w: {})],
    # --- review panels (tests/panels): 甲省's rounds in scope, 乙省's outside ------------------------
    "panels:list": [page("expert.view")],
    "panels:match": [page("expert.view")],
    "panels:export": [page("expert.view", kwargs=review_round_of("prov_a"), outside=review_round_of("prov_b"))],
    "panels:detail": [page("expert.view", kwargs=review_round_of("prov_a"), outside=review_round_of("prov_b"))],
    # The manager's steps (tests/panels/test_pages_manage.py): an empty form is refused (400) on the
    # workspace; conflicts and invitations need no input (302).
    "panels:create": [page("expert.manage"), page("expert.manage", method="post", ok=400, data=lambda w: {})],
    "panels:items_add": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                              outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:conflicts": [page("expert.manage", method="post", ok=302, kwargs=review_round_of("prov_a"),
                              outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:draw": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                         outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:draw_open": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                              outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:draw_verify": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                                outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:seat_add": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                             outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:invite": [page("expert.manage", method="post", ok=302, kwargs=review_round_of("prov_a"),
                           outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:respond": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                            outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:assign": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                           outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:assign_add": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                               outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:score": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                          outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:close": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                          outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:notice": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                           outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:objection_add": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                                  outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:objection_handle": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                                     outside=review_round_of("prov_b"), data=lambda w: {})],
    "panels:decide": [page("expert.manage", method="post", ok=400, kwargs=review_round_of("prov_a"),
                           outside=review_round_of("prov_b"), data=lambda w: {})],
    # An expert's own review pages: any signed-in account; another expert's seat or item is not found.
    "panels:mine": [page(None)],
    "panels:my_seat_respond": [page(None, method="post", ok=302, user=linked_expert, kwargs=my_seat_of("mine"),
                                    outside=my_seat_of("other"), data=lambda w: {"answer": "accept"})],
    "panels:my_score": [page(None, user=linked_expert, kwargs=my_item_of("mine"), outside=my_item_of("other"))],
    # --- awards (tests/awards): 甲省's calls in scope, 乙省's outside ----------------------------------
    "awards:list": [page("award.view")],
    "awards:detail": [page("award.view", kwargs=award_call_of("prov_a"), outside=award_call_of("prov_b"))],
    "awards:export": [page("award.view", kwargs=award_call_of("prov_a"), outside=award_call_of("prov_b"))],
    "awards:create": [page("award.manage"), page("award.manage", method="post", data=lambda w: {})],
    "awards:channel_set": [page("award.manage", method="post", data=lambda w: {}, kwargs=award_call_of("prov_a"),
                                outside=award_call_of("prov_b"))],
    "awards:open": [page("award.manage", method="post", ok=302, kwargs=award_call_of("prov_a"),
                         outside=award_call_of("prov_b"))],
    "awards:nominate": [page("award.nominate", kwargs=award_call_of("prov_a"), outside=award_call_of("prov_b")),
                        page("award.nominate", method="post", data=lambda w: {}, kwargs=award_call_of("prov_a"),
                             outside=award_call_of("prov_b"))],
    "awards:formal_close": [page("award.manage", method="post", ok=302, kwargs=award_call_of("prov_a"),
                                 outside=award_call_of("prov_b"))],
    "awards:formal_check": [page("award.manage", method="post", ok=302, kwargs=award_nomination_of("prov_a"),
                                 outside=award_nomination_of("prov_b"))],
    "awards:review_start": [page("award.manage", kwargs=award_call_of("prov_a"), outside=award_call_of("prov_b")),
                            page("award.manage", method="post", data=lambda w: {}, kwargs=award_call_of("prov_a"),
                                 outside=award_call_of("prov_b"))],
    "awards:notice": [page("award.manage", method="post", data=lambda w: {}, kwargs=award_call_of("prov_a"),
                           outside=award_call_of("prov_b"))],
    "awards:winners": [page("award.manage", method="post", data=lambda w: {}, kwargs=award_call_of("prov_a"),
                            outside=award_call_of("prov_b"))],
    "awards:followups_plan": [page("award.manage", method="post", data=lambda w: {}, kwargs=award_call_of("prov_a"),
                                   outside=award_call_of("prov_b"))],
    "awards:followup_submit": [page("award.nominate", method="post", ok=302, kwargs=award_followup_of("prov_a"),
                                    outside=award_followup_of("prov_b"))],
    "awards:followup_review": [page("award.manage", method="post", ok=302, kwargs=award_followup_of("prov_a"),
                                    outside=award_followup_of("prov_b"))],
    "api:person-list": [api("person.view"), api("person.manage", method="post", ok=201, data=person_body)],
    "api:person-detail": [
        api("person.view", kwargs=person_of("prov_a"), outside=person_of("prov_b")),
        api("person.manage", method="patch", kwargs=person_of("prov_a"), outside=person_of("prov_b"),
            data=lambda w: {"title": "教授"})],
    "api:expertentry-list": [api("expert.view"), api("expert.manage", method="post", ok=201, data=entry_body)],
    "api:expertentry-detail": [
        api("expert.view", kwargs=entry_of("prov_a"), outside=entry_of("prov_b")),
        api("expert.manage", method="patch", kwargs=entry_of("prov_a"), outside=entry_of("prov_b"),
            data=lambda w: {"keywords": ["矩阵"]})],
    "api:awardcall-list": [api("award.view")],
    "api:awardcall-detail": [api("award.view", kwargs=award_call_of("prov_a"), outside=award_call_of("prov_b"))],
    "api:awardcall-nominations": [api("award.view", kwargs=award_call_of("prov_a"),
                                      outside=award_call_of("prov_b"))],
    "api:awardcall-ranking": [api("award.view", kwargs=award_call_of("prov_a"), outside=award_call_of("prov_b"))],
    "api:awardcall-nominate": [api("award.nominate", method="post", ok=400, data=lambda w: {},
                                   kwargs=award_call_of("prov_a"), outside=award_call_of("prov_b"))],
    "api:reviewround-list": [api("expert.view")],
    "api:reviewround-detail": [api("expert.view", kwargs=review_round_of("prov_a"),
                                   outside=review_round_of("prov_b"))],
    # --- dashboards (an ?org= outside the scope is a 404: tests/dashboard) -----------------------------
    "dashboard:home": [page("plan.view")],
    "dashboard:export": [page("plan.view", kwargs=lambda w: {"part": "level"})],
    # --- the monthly meeting pack (an ?org= outside the scope is a 404: tests/dashboard) ---------------
    "dashboard:meeting_pack_docx": [page("plan.export")],
    "dashboard:meeting_pack_xlsx": [page("plan.export")],
}
# Each service app keeps its own entries (tests/<app>/matrix.py).
for _app_matrix in (demands_matrix, stations_matrix, visits_matrix, proposals_matrix, activities_matrix,
                    coverage_matrix, volunteers_matrix, surveys_matrix):
    assert not set(_app_matrix.REGISTRY) & set(REGISTRY), "an app's entry shadows one of the matrix"
    REGISTRY.update(_app_matrix.REGISTRY)
    PUBLIC.update(getattr(_app_matrix, "PUBLIC", {}))


# --- the URL patterns that exist ----------------------------------------------------------------

def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield (f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name,
                   prefix + str(pattern.pattern), pattern)


def served_urls() -> dict[str, str]:
    """URL name -> route, for every pattern except the development static-file server."""
    urls, unnamed = {}, []
    for name, route, pattern in _walk(get_resolver()):
        if getattr(pattern.callback, "__wrapped__", pattern.callback) is static_serve or route.startswith(
                "^static/"):
            continue
        if not name:
            unnamed.append(route)
            continue
        urls[name] = route
    assert not unnamed, f"URL patterns without a name cannot be checked: {unnamed}"
    return urls


def unregistered() -> list[str]:
    return sorted(set(served_urls()) - set(REGISTRY) - set(PUBLIC))


def stale() -> list[str]:
    return sorted((set(REGISTRY) | set(PUBLIC)) - set(served_urls()))


def test_every_url_has_an_entry_in_the_matrix():
    missing = unregistered()
    assert not missing, (
        "These URLs have no entry in tests/test_permission_matrix.py (REGISTRY or PUBLIC): "
        + ", ".join(f"{name} ({served_urls()[name]})" for name in missing))


def test_every_entry_names_a_url_that_exists():
    gone = stale()
    assert not gone, f"These entries name URLs that no longer exist: {gone}"


# A URL configuration with one page more than the application, and one page less, to show that
# the two checks above notice both.
def _probe_view(request):
    return HttpResponse("probe")


urlpatterns = [
    path("", include("kexie.urls")),
    path("matrix-probe/", _probe_view, name="matrix_probe"),
]


def test_the_matrix_notices_a_url_without_an_entry_and_an_entry_without_a_url(settings):
    settings.ROOT_URLCONF = __name__
    assert unregistered() == ["matrix_probe"]
    assert stale() == []
    settings.ROOT_URLCONF = _HomeOnly
    assert unregistered() == []
    assert "api:organization-list" in stale()


class _HomeOnly:
    """A URL configuration that has lost every page but the home page."""

    urlpatterns = [path("", _probe_view, name="home")]


def test_the_matrix_covers_the_api_and_every_html_area():
    routes = served_urls().values()
    for area in ("api/v1/", "organizations/", "accounts/", "audit/"):
        assert any(route.startswith(area) for route in routes), f"no URL under /{area}"


def test_an_entry_is_either_public_or_protected():
    assert not set(REGISTRY) & set(PUBLIC)


# --- checking each entry ------------------------------------------------------------------------

CASES = [(name, expect) for name, expects in REGISTRY.items() for expect in expects]
IDS = [f"{name}-{expect.method}-{i}" for i, (name, expect) in enumerate(CASES)]


def _call(client, world, name: str, expect: Expect, kwargs: Build | None):
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    method = getattr(client, expect.method)
    data = expect.data(world) if expect.data else None
    headers = {"HTTP_ACCEPT": "application/json"} if expect.api else {}
    if expect.api and expect.method != "get":
        return method(url, data or {}, content_type="application/json", **headers)
    if expect.method == "get":
        return method(url, **headers)
    return method(url, data or {}, **headers)


def _available(name: str):
    if name not in served_urls():
        pytest.fail(f"{name} is in the matrix but is not served")


@pytest.mark.parametrize(("name", "expect"), CASES, ids=IDS)
def test_anonymous_callers_are_sent_to_sign_in(world, client, name, expect):
    _available(name)
    response = _call(client, world, name, expect, expect.kwargs)
    if expect.api:
        assert response.status_code == 401, (name, response.status_code)
    else:
        assert response.status_code == 302, (name, response.status_code)
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]


@pytest.mark.parametrize(("name", "expect"), [c for c in CASES if c[1].code is not None],
                         ids=[i for i, c in zip(IDS, CASES) if c[1].code is not None])
def test_a_user_without_the_permission_is_refused(world, signed_in, name, expect):
    _available(name)
    user = world.no_role_user
    assert not user.has_code(expect.code)
    response = _call(signed_in(user), world, name, expect, expect.kwargs)
    assert response.status_code == 403, (name, response.status_code)


@pytest.mark.parametrize(("name", "expect"), [c for c in CASES if c[1].code is not None],
                         ids=[i for i, c in zip(IDS, CASES) if c[1].code is not None])
def test_every_other_code_is_not_enough(world, signed_in, name, expect):
    """A user holding every code but the one the URL needs, over all data, is still refused:
    the view checks the right code, not just "some" permission."""
    _available(name)
    role = Role.objects.create(code="matrix_all_but", name="矩阵测试缺一项权限", data_scope=DataScope.ALL,
                               permissions=sorted(set(PERMISSIONS) - {expect.code}))
    user = make_user("matrix_all_but", world.cast, [role.code])
    response = _call(signed_in(user), world, name, expect, expect.kwargs)
    assert response.status_code == 403, (name, response.status_code)


def test_every_code_in_the_matrix_exists():
    codes = {expect.code for expects in REGISTRY.values() for expect in expects if expect.code}
    assert codes <= set(PERMISSIONS), codes - set(PERMISSIONS)


@pytest.mark.parametrize(("name", "expect"), CASES, ids=IDS)
def test_the_persona_reaches_an_object_in_scope(world, signed_in, name, expect):
    _available(name)
    user = expect.persona(world)
    if expect.code is not None:
        assert user.has_code(expect.code), f"{user} lacks {expect.code}"
    response = _call(signed_in(user), world, name, expect, expect.kwargs)
    assert response.status_code == expect.ok, (name, response.status_code, response.content[:500])


OUTSIDE = [c for c in CASES if c[1].outside is not None]


@pytest.mark.parametrize(("name", "expect"), OUTSIDE,
                         ids=[i for i, c in zip(IDS, CASES) if c[1].outside is not None])
def test_an_object_outside_the_scope_is_not_found(world, signed_in, name, expect):
    _available(name)
    response = _call(signed_in(expect.persona(world)), world, name, expect, expect.outside)
    assert response.status_code == 404, (name, response.status_code)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_urls_answer_anonymous_callers(db, client, name):
    _available(name)
    public = PUBLIC[name]
    url = reverse(name, kwargs=public.kwargs)
    if public.method == "get":
        response = client.get(url)
    else:
        response = getattr(client, public.method)(url, public.data or {})
    assert response.status_code == public.status, (name, response.status_code)


# --- the external persona and the anonymous visitor ----------------------------------------------

# What an external account reaches: its page, password, second factor, notifications, sign-out, and
# the home page (which sends it to its page). A notification of someone else's is not found.
EXTERNAL_REACHES = {
    "home": 302, "accounts:me": 200, "accounts:logout": 302, "accounts:password_change": 200, "accounts:otp": 200,
    "notifications:inbox": 200, "notifications:read_all": 302, "panels:mine": 200,
}
for _app_matrix in (demands_matrix, stations_matrix, visits_matrix, proposals_matrix, activities_matrix,
                    coverage_matrix, volunteers_matrix, surveys_matrix):
    EXTERNAL_REACHES.update(_app_matrix.EXTERNAL_REACHES)


def test_the_external_persona_reaches_only_its_own_pages():
    assert set(EXTERNAL_REACHES) <= set(REGISTRY)


@pytest.mark.parametrize(("name", "expect"), CASES, ids=IDS)
def test_an_external_account_is_refused_everything_staff_use(world, signed_in, name, expect):
    """Every staff page, form and API call answers 404 to the external persona (as an object outside
    a scope does), whatever the arguments; only its own pages answer."""
    _available(name)
    external = make_external()
    response = _call(signed_in(external), world, name, expect, expect.kwargs)
    assert response.status_code == EXTERNAL_REACHES.get(name, 404), (name, response.status_code)
    if name == "home":
        assert response["Location"] == reverse("accounts:me")


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_stay_open_to_an_external_account_but_not_the_api(db, client, name):
    """Signed in, an external person still reaches the public pages (sign-up and reset pages send
    a signed-in visitor home); the API's public addresses (docs, schema, token) are closed to them."""
    from tests.personas import sign_in

    _available(name)
    public = PUBLIC[name]
    sign_in(client, make_external())
    url = reverse(name, kwargs=public.kwargs)
    response = client.get(url) if public.method == "get" else getattr(client, public.method)(url, public.data or {})
    if name.startswith("api:"):
        assert response.status_code == 404, (name, response.status_code)
    else:
        assert response.status_code in (200, 302), (name, response.status_code)


def test_an_anonymous_visitor_reaches_nothing_but_the_public_urls():
    """The anonymous visitor's side of the matrix: every served URL is either public or checked
    above to send an anonymous caller to sign in (HTML) or answer 401 (API)."""
    assert set(served_urls()) == set(PUBLIC) | set(REGISTRY)
    assert not {name for name in REGISTRY if name.startswith("accounts:signup") or "password_reset" in name}
