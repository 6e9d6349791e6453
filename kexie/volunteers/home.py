"""The volunteer's section of the S&T worker's home page (我的志愿服务): their sign-ups and their
counted hours — only the records of the account's own person record."""

from django.urls import reverse
from django.utils.translation import gettext as _

from kexie.accounts.home import HomeItem

from . import selectors



def items(user) -> list[HomeItem]:
    profile = selectors.profile_of(user)
    if profile is None:
        return []
    shown = []
    for signup in selectors.my_signups(user)[:50]:
        if signup.checked_out_at:
            status = _("Served")
        elif signup.checked_in_at:
            status = _("Checked in")
        else:
            status = signup.get_status_display()
        hours = getattr(signup, "hours", None) if signup.checked_out_at else None
        shown.append(HomeItem(
            title=f"{signup.opportunity.title}（{signup.role.name}）", url=reverse("volunteers:mine"), status=status,
            when=signup.opportunity.starts_at,
            detail=_("%(hours)s hours") % {"hours": hours.hours} if hours is not None else
            signup.opportunity.organization.name))
    if shown or selectors.counted_hours(volunteer=profile).exists():
        shown.append(HomeItem(title=_("Certificate of service hours"), url=reverse("volunteers:mine"),
                              action_label=_("Download the certificate (PDF)"),
                              action_url=reverse("volunteers:my_certificate")))
    return [item for item in shown if item.title] if shown else []


def summary(user) -> str:
    profile = selectors.profile_of(user)
    if profile is None:
        return ""
    total = selectors.total_hours(selectors.counted_hours(volunteer=profile))
    pending = profile.hours.filter(status="pending").count()
    text = _("%(hours)s approved service hours in all") % {"hours": total}
    if pending:
        text += _(", %(n)s reports awaiting approval") % {"n": pending}
    return text



