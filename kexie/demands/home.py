"""The demands the signed-in account filed and its open-call applications, on the S&T worker's
home page."""

from django.urls import reverse

from kexie.accounts.home import HomeItem

from .models import Application, Demand


def my_demands(user) -> list[HomeItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    rows = Demand.objects.filter(submitted_by=user).order_by("-created_at", "-pk")
    return [HomeItem(title=row.title, url=reverse("demands:my_detail", args=[row.pk]),
                     status=row.get_status_display(), when=row.created_at) for row in rows]


def my_applications(user) -> list[HomeItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    mine = reverse("demands:my_applications")
    rows = (Application.objects.select_related("demand").filter(applicant=user)
            .order_by("-submitted_at", "-pk"))
    return [HomeItem(title=str(row.demand.title), url=mine, status=row.get_status_display(), when=row.submitted_at,
                     detail=row.team_name) for row in rows]
