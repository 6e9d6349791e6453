"""Built-in roles keep only the codes their job needs (least privilege).

The county clerk, city clerk and society secretary had been given every clerk code (plan import,
review, cascading, deferral decisions, organisation maintenance, the user list, the society office's
codes), and every business role but the national one the user list; their menus and toolbars showed
pages that were not theirs. A built-in role is moved to its new codes only while it still has the
codes it was shipped with: a role an administrator has edited is left as it is, and so is every
role an administrator created.

Both lists are written out here, not read from kexie.accounts.roles, so this migration means the
same thing whatever the roles become later.
"""

from django.db import migrations

SHIPPED = {
    "provincial_clerk": [
        "org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export", "user.view",
        "plan.view", "plan.import", "plan.change", "plan.export", "report.submit", "report.review",
        "supervise.manage", "deferral.approve", "society.view", "society.manage", "annual_report.review",
        "evaluation.manage", "evaluation.score"],
    "city_clerk": [
        "org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export", "user.view",
        "plan.view", "plan.import", "plan.change", "plan.export", "report.submit", "report.review",
        "supervise.manage", "deferral.approve", "society.view", "society.manage", "annual_report.review",
        "evaluation.manage", "evaluation.score"],
    "county_clerk": [
        "org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export", "user.view",
        "plan.view", "plan.import", "plan.change", "plan.export", "report.submit", "report.review",
        "supervise.manage", "deferral.approve", "society.view", "society.manage", "annual_report.review",
        "evaluation.manage", "evaluation.score"],
    "society_secretary": [
        "org.view", "org.change", "org.add", "org.export", "user.view", "plan.view", "plan.import", "plan.change",
        "plan.export", "report.submit", "report.review", "supervise.manage", "deferral.approve", "society.view",
        "society.manage", "annual_report.submit"],
}

LEAST_PRIVILEGE = {
    "provincial_clerk": [
        "org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export", "plan.view",
        "plan.import", "plan.change", "plan.export", "report.submit", "report.review", "supervise.manage",
        "deferral.approve", "society.view", "society.manage", "annual_report.review", "evaluation.manage",
        "evaluation.score"],
    "city_clerk": [
        "org.view", "org.export", "plan.view", "plan.import", "plan.change", "plan.export", "report.submit",
        "report.review", "supervise.manage", "deferral.approve"],
    "county_clerk": [
        "org.view", "plan.view", "plan.export", "report.submit"],
    "society_secretary": [
        "org.view", "plan.view", "plan.export", "report.submit", "society.view", "society.manage",
        "annual_report.submit"],
}


def _move(apps, before, after):
    role_model = apps.get_model("accounts", "Role")
    for code, codes in after.items():
        role = role_model.objects.filter(code=code, is_builtin=True).first()
        if role is not None and set(role.permissions or []) == set(before[code]):
            role.permissions = list(codes)
            role.save(update_fields=["permissions"])


def narrow(apps, schema_editor):
    _move(apps, SHIPPED, LEAST_PRIVILEGE)


def widen(apps, schema_editor):
    _move(apps, LEAST_PRIVILEGE, SHIPPED)


class Migration(migrations.Migration):
    """Narrow the unedited built-in roles to the codes of their jobs."""

    dependencies = [("accounts", "0010_builtin_roles_society_codes")]

    operations = [migrations.RunPython(narrow, widen)]
