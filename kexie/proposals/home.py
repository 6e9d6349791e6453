"""The proposals the signed-in account filed, on the S&T worker's home page."""

from django.urls import reverse

from kexie.accounts.home import HomeItem

from .models import Submission


def my_proposals(user) -> list[HomeItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    mine = reverse("proposals:mine")
    rows = Submission.objects.select_related("campaign").filter(submitted_by=user).order_by("-created_at", "-pk")
    return [HomeItem(title=row.title, url=mine, status=row.get_status_display(), when=row.created_at,
                     detail=str(row.campaign.title)) for row in rows]
