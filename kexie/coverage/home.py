"""The committee posts of the signed-in account's person (the 三长/四长 roster), on the S&T
worker's home page."""

from django.utils.translation import gettext as _

from kexie.accounts.home import HomeItem, person_of

from .models import RosterEntry


def my_committee_posts(user) -> list[HomeItem]:
    person = person_of(user)
    if person is None:
        return []
    rows = (RosterEntry.objects.select_related("organization").filter(person=person, active=True)
            .order_by("-term_starts_on", "-pk"))
    return [HomeItem(title=str(row.organization.name), status=row.get_committee_role_display(),
                     when=row.term_starts_on,
                     detail=_("%(post)s, term until %(end)s") % {"post": row.post, "end": row.term_ends_on}
                     if row.term_ends_on else row.post) for row in rows]
