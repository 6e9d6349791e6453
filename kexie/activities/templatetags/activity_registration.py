"""The registration panel of an activity's page: the attendance figure for whoever views the
activity, and links to the registrations, check-in and roster for those who manage it."""

from django import template

from kexie.activities import registration, selectors

register = template.Library()
LIST_LIMIT = 50


@register.inclusion_tag("activities/registration/panel.html", takes_context=True)
def registration_panel(context, activity):
    user = context["request"].user
    manage = user.has_code(selectors.MANAGE) and selectors.activities_for(user, selectors.MANAGE).filter(
        pk=activity.pk).exists()
    figures = registration.attendance(activity)
    return {"activity": activity, "may_manage": manage, "figures": figures,
            "open": registration.is_open(activity),
            "shown": manage or activity.registration_open or figures["confirmed"],
            # The list itself, for those who manage the activity (the full page has the rest).
            "rows": list(registration.registrations_of(activity)[:LIST_LIMIT]) if manage else [],
            "more": manage and figures["confirmed"] + figures["waiting"] > LIST_LIMIT}
