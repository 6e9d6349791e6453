"""A built-in role for the staff of an association's departments (机关部门工作人员), who file the
progress of the tasks their department leads, ask for deferrals and answer supervision notices.
Created if missing; an existing role with the code (an administrator's) is left as it is."""

from django.db import migrations

CODES = ["org.view", "plan.view", "plan.export", "report.submit"]


def add_role(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Role.objects.get_or_create(code="department_clerk", defaults={
        "name": "机关部门工作人员", "data_scope": "org_and_below", "admin_kind": "", "permissions": CODES,
        "require_totp": False, "is_builtin": True})


class Migration(migrations.Migration):

    dependencies = [("accounts", "0011_builtin_roles_least_privilege")]

    operations = [migrations.RunPython(add_role, migrations.RunPython.noop)]
