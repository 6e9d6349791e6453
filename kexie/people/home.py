"""The expert libraries the signed-in account's person belongs to, on the S&T worker's home page
(the societies keep their member lists by name, not by person record, so the libraries are the
person's memberships the platform knows)."""

from kexie.accounts.home import HomeItem, person_of

from .models import ExpertEntry


def my_libraries(user) -> list[HomeItem]:
    person = person_of(user)
    if person is None:
        return []
    rows = (ExpertEntry.objects.select_related("library__organization").filter(person=person)
            .order_by("library__organization__name", "pk"))
    return [HomeItem(title=str(row.library), status=row.get_status_display(), when=row.created_at,
                     detail="、".join(row.categories or [])) for row in rows]
