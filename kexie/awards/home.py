"""The nominations of the signed-in account's person on the S&T worker's home page."""

from django.utils.translation import gettext as _

from kexie.accounts.home import HomeItem, person_of

from .models import Nomination


def my_nominations(user) -> list[HomeItem]:
    """Nominations naming the account's own person as the nominee, newest first."""
    person = person_of(user)
    if person is None:
        return []
    rows = (Nomination.objects.select_related("call", "channel__organization").filter(nominee=person)
            .order_by("-created_at", "-pk"))
    return [HomeItem(title=str(row.call.title), status=row.get_status_display(), when=row.created_at,
                     detail=_("Nominated by %(organization)s") % {"organization": row.channel.organization})
            for row in rows]
