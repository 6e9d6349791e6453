"""A society's secretariat and a city association invite their S&T workers too: the built-in
society-secretary and city-clerk roles gain external.invite. A role an administrator has edited
is left as it is. The lists are written out here so this migration means the same thing whatever
the roles become later."""

from django.db import migrations

_ISSUER = ["plan.view", "plan.import", "plan.change", "plan.export", "report.submit", "report.review",
           "supervise.manage", "deferral.approve"]
_AWARD_NOMINATE = ["award.view", "award.nominate"]
_ACTIVITY = ["activity.view", "activity.manage"]
_VOLUNTEER = ["volunteer.view", "volunteer.manage"]
_SURVEY = ["survey.view", "survey.manage"]
# What each role held after accounts 0020.
SHIPPED = {
    "city_clerk": ["org.view", "org.export", *_ISSUER, *_AWARD_NOMINATE, "demand.view", "demand.submit",
                   "station.view", "visit.view", "proposal.view", "proposal.submit", *_ACTIVITY, *_VOLUNTEER,
                   *_SURVEY],
    "society_secretary": ["org.view", "plan.view", "plan.export", "report.submit", "society.view", "society.manage",
                          "annual_report.submit", *_AWARD_NOMINATE, "station.view", "proposal.view",
                          "proposal.submit", *_ACTIVITY, *_VOLUNTEER],
}
ADDED = {
    "city_clerk": ["external.invite"],
    "society_secretary": ["external.invite"],
}


def grant(apps, schema_editor):
    role_model = apps.get_model("accounts", "Role")
    for code, codes in SHIPPED.items():
        role = role_model.objects.filter(code=code, is_builtin=True).first()
        if role is not None and set(role.permissions or []) == set(codes):
            role.permissions = [*codes, *ADDED[code]]
            role.save(update_fields=["permissions"])


def revoke(apps, schema_editor):
    role_model = apps.get_model("accounts", "Role")
    for code, codes in SHIPPED.items():
        role = role_model.objects.filter(code=code, is_builtin=True).first()
        if role is not None and set(role.permissions or []) == {*codes, *ADDED[code]}:
            role.permissions = list(codes)
            role.save(update_fields=["permissions"])


class Migration(migrations.Migration):

    dependencies = [("accounts", "0020_builtin_roles_volunteer_survey_codes")]

    operations = [migrations.RunPython(grant, revoke)]
