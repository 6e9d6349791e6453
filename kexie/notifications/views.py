"""The inbox: a user's own notifications, unread first; marking one or all read (htmx)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from kexie.core.paging import paginate

from . import selectors, services

PAGE_SIZE = 30


def _htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_GET
def inbox(request):
    page = paginate(request, selectors.inbox(request.user), PAGE_SIZE)
    return render(request, "notifications/inbox.html", {"page_obj": page})


@login_required
@require_POST
def mark_read(request, pk: int):
    """Mark one notification read; with ``open`` go on to what it is about."""
    notification = services.notification_read(by=request.user, notification=pk)
    if request.POST.get("open") and notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(notification.url)
    if _htmx(request):
        return render(request, "notifications/_row.html", {
            "notification": notification, "unread_notifications": selectors.unread_count(request.user),
            "row_badge": True})
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_read_all(by=request.user)
    if _htmx(request):
        page = Paginator(selectors.inbox(request.user), PAGE_SIZE).get_page(1)
        return render(request, "notifications/_list.html", {"page_obj": page, "unread_notifications": 0,
                                                             "badge_oob": True})
    return redirect("notifications:inbox")
