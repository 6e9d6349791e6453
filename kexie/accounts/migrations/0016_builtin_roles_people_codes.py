"""The national and provincial clerks' built-in roles gain the codes of the person records and
the expert library (kexie.people), while they still hold the codes they were shipped with: a role
an administrator has edited is left as it is. The lists are written out here so this migration
means the same thing whatever the roles become later."""

from django.db import migrations

SHIPPED = {
    "national_clerk": [
        "org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export", "plan.view",
        "plan.import", "plan.change", "plan.export", "report.submit", "report.review", "supervise.manage",
        "deferral.approve", "society.view", "society.manage", "annual_report.review", "evaluation.manage",
        "evaluation.score", "user.view", "pii.unmask", "external.invite"],
    "provincial_clerk": [
        "org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export", "plan.view",
        "plan.import", "plan.change", "plan.export", "report.submit", "report.review", "supervise.manage",
        "deferral.approve", "society.view", "society.manage", "annual_report.review", "evaluation.manage",
        "evaluation.score", "external.invite"],
}
PEOPLE_CODES = ["person.view", "person.manage", "expert.view", "expert.manage"]


def grant_people(apps, schema_editor):
    role_model = apps.get_model("accounts", "Role")
    for code, codes in SHIPPED.items():
        role = role_model.objects.filter(code=code, is_builtin=True).first()
        if role is not None and set(role.permissions or []) == set(codes):
            role.permissions = [*codes, *PEOPLE_CODES]
            role.save(update_fields=["permissions"])


def revoke_people(apps, schema_editor):
    role_model = apps.get_model("accounts", "Role")
    for code, codes in SHIPPED.items():
        role = role_model.objects.filter(code=code, is_builtin=True).first()
        if role is not None and set(role.permissions or []) == {*codes, *PEOPLE_CODES}:
            role.permissions = list(codes)
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):

    dependencies = [("accounts", "0015_external_accounts")]

    operations = [migrations.RunPython(grant_people, revoke_people)]
