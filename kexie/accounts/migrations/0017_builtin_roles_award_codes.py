"""The built-in roles gain the award call codes (kexie.awards): the national and provincial
clerks run calls and nominate, the city clerk and the society secretary nominate through the
channels they are given. A role an administrator has edited is left as it is. The lists are
written out here so this migration means the same thing whatever the roles become later."""

from django.db import migrations

_ISSUER = ["plan.view", "plan.import", "plan.change", "plan.export", "report.submit", "report.review",
           "supervise.manage", "deferral.approve"]
_PEOPLE = ["person.view", "person.manage", "expert.view", "expert.manage"]
SHIPPED = {
    "national_clerk": [
        "org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export", *_ISSUER,
        "society.view", "society.manage", "annual_report.review", "evaluation.manage", "evaluation.score",
        "user.view", "pii.unmask", "external.invite", *_PEOPLE],
    "provincial_clerk": [
        "org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export", *_ISSUER,
        "society.view", "society.manage", "annual_report.review", "evaluation.manage", "evaluation.score",
        "external.invite", *_PEOPLE],
    "city_clerk": ["org.view", "org.export", *_ISSUER],
    "society_secretary": ["org.view", "plan.view", "plan.export", "report.submit", "society.view", "society.manage",
                          "annual_report.submit"],
}
AWARD_CODES = {
    "national_clerk": ["award.view", "award.manage", "award.nominate"],
    "provincial_clerk": ["award.view", "award.manage", "award.nominate"],
    "city_clerk": ["award.view", "award.nominate"],
    "society_secretary": ["award.view", "award.nominate"],
}


def grant_awards(apps, schema_editor):
    role_model = apps.get_model("accounts", "Role")
    for code, codes in SHIPPED.items():
        role = role_model.objects.filter(code=code, is_builtin=True).first()
        if role is not None and set(role.permissions or []) == set(codes):
            role.permissions = [*codes, *AWARD_CODES[code]]
            role.save(update_fields=["permissions"])


def revoke_awards(apps, schema_editor):
    role_model = apps.get_model("accounts", "Role")
    for code, codes in SHIPPED.items():
        role = role_model.objects.filter(code=code, is_builtin=True).first()
        if role is not None and set(role.permissions or []) == {*codes, *AWARD_CODES[code]}:
            role.permissions = list(codes)
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):

    dependencies = [("accounts", "0016_builtin_roles_people_codes")]

    operations = [migrations.RunPython(grant_awards, revoke_awards)]
