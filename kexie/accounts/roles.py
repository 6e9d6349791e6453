"""The roles every installation starts with. Administrators may add their own."""

from .models import DataScope
from .permissions import ADMIN_CODES, AdminKind

_PLAN_CODES = ["plan.view", "plan.import", "plan.change", "plan.export", "report.submit", "report.review",
               "supervise.manage", "deferral.approve"]
_SOCIETY_OFFICE_CODES = ["society.view", "society.manage", "annual_report.review", "evaluation.manage",
                         "evaluation.score"]
_CLERK_CODES = ["org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export",
                "user.view", *_PLAN_CODES, *_SOCIETY_OFFICE_CODES]

BUILTIN_ROLES = [
    # code, name (Chinese, shown to users), scope, admin kind, codes
    # The national reform office verifies people across the network, so it may see unmasked
    # personal data (each viewing is audited); lower levels see masked values only.
    ("national_clerk", "中国科协改革办工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE,
     _CLERK_CODES + ["pii.unmask"]),
    ("provincial_clerk", "省级科协工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE, _CLERK_CODES),
    ("city_clerk", "市级科协工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE, _CLERK_CODES),
    ("county_clerk", "县级科协工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE, _CLERK_CODES),
    ("society_secretary", "学会秘书处工作人员", DataScope.ORG_AND_BELOW, AdminKind.NONE,
     ["org.view", "org.change", "org.add", "org.export", "user.view", *_PLAN_CODES, "society.view",
      "society.manage", "annual_report.submit"]),
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
