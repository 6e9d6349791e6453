"""``{% load proposals_tags %}{% proposal_credits person %}``: a person's credit for proposals work
(proposals written, adopted ones, bulletin issues, leaders' instructions) on pages of other apps,
shown to users who may view proposals."""

from django import template

from ..selectors import VIEW, credits_for

register = template.Library()


@register.inclusion_tag("proposals/_person_credits.html", takes_context=True)
def proposal_credits(context, person):
    user = context.get("user")
    if person is None or user is None or not getattr(user, "is_authenticated", False) or not user.has_code(VIEW):
        return {"credits": None}
    return {"credits": credits_for(person)}
