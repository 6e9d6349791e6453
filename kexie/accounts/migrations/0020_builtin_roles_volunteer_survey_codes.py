"""The built-in roles of the associations and societies gain the volunteer codes (kexie.volunteers)
and the survey-station codes (kexie.surveys): every association and society runs its volunteer
teams; the national, provincial and city associations run survey stations and rounds, a county
association sees those of its area. A role an administrator has edited is left as it is. The lists
are written out here so this migration means the same thing whatever the roles become later."""

from django.db import migrations

_ISSUER = ["plan.view", "plan.import", "plan.change", "plan.export", "report.submit", "report.review",
           "supervise.manage", "deferral.approve"]
_PEOPLE = ["person.view", "person.manage", "expert.view", "expert.manage"]
_ORG_REGISTER = ["org.view", "org.add", "org.change", "org.move", "org.deactivate", "org.import", "org.export"]
_SOCIETY_OFFICE = ["society.view", "society.manage", "annual_report.review", "evaluation.manage", "evaluation.score"]
_AWARD_RUN = ["award.view", "award.manage", "award.nominate"]
_AWARD_NOMINATE = ["award.view", "award.nominate"]
_SERVICE_RUN = ["demand.view", "demand.submit", "demand.manage", "station.view", "station.manage", "visit.view",
                "visit.manage", "proposal.view", "proposal.submit", "proposal.manage"]
_ACTIVITY = ["activity.view", "activity.manage"]
# What each role held after accounts 0019.
SHIPPED = {
    "national_clerk": [*_ORG_REGISTER, *_ISSUER, *_SOCIETY_OFFICE, "user.view", "pii.unmask", "external.invite",
                       *_PEOPLE, *_AWARD_RUN, *_SERVICE_RUN, *_ACTIVITY],
    "provincial_clerk": [*_ORG_REGISTER, *_ISSUER, *_SOCIETY_OFFICE, "external.invite", *_PEOPLE, *_AWARD_RUN,
                         *_SERVICE_RUN, *_ACTIVITY],
    "city_clerk": ["org.view", "org.export", *_ISSUER, *_AWARD_NOMINATE, "demand.view", "demand.submit",
                   "station.view", "visit.view", "proposal.view", "proposal.submit",
                   *_ACTIVITY],
    "county_clerk": ["org.view", "plan.view", "plan.export", "report.submit", "demand.view", "demand.submit",
                     *_ACTIVITY],
    "society_secretary": ["org.view", "plan.view", "plan.export", "report.submit", "society.view", "society.manage",
                          "annual_report.submit", *_AWARD_NOMINATE, "station.view", "proposal.view",
                          "proposal.submit", *_ACTIVITY],
}
_VOLUNTEER = ["volunteer.view", "volunteer.manage"]
_SURVEY = ["survey.view", "survey.manage"]
ADDED = {
    "national_clerk": [*_VOLUNTEER, *_SURVEY],
    "provincial_clerk": [*_VOLUNTEER, *_SURVEY],
    "city_clerk": [*_VOLUNTEER, *_SURVEY],
    "county_clerk": [*_VOLUNTEER, "survey.view"],
    "society_secretary": [*_VOLUNTEER],
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

    dependencies = [("accounts", "0019_builtin_roles_activity_codes")]

    operations = [migrations.RunPython(grant, revoke)]
