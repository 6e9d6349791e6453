"""The activities calendar (.ics): the planned and held activities in the user's scope (``?campaign=``
narrows it to one campaign), and one activity's own .ics. Signed-in pages like the others (see
:mod:`kexie.activities.ical` on subscribing)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import attachment_response

from . import ical, selectors
from .models import ActivityStatus

FEED_LIMIT = 5000


def _response(text: str, filename: str) -> HttpResponse:
    return attachment_response(text.encode("utf-8"), filename, content_type="text/calendar; charset=utf-8")


@login_required
@require_GET
def feed(request):
    _require(request, selectors.VIEW)
    activities = selectors.activities_for(request.user).filter(
        status__in=[ActivityStatus.PLANNED, ActivityStatus.HELD])
    campaign = request.GET.get("campaign", "")
    if campaign:
        if not campaign.isdigit():
            raise Http404
        found = selectors.campaigns_for(request.user).filter(pk=int(campaign)).first()
        if found is None:
            raise Http404
        activities = activities.filter(campaign=found)
    return _response(ical.calendar(activities.order_by("starts_on", "pk")[:FEED_LIMIT], name="科协活动"),
                     "activities.ics")


@login_required
@require_GET
def activity_ics(request, pk):
    _require(request, selectors.VIEW)
    activity = selectors.activities_for(request.user).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return _response(ical.calendar([activity], name=activity.title), f"activity-{activity.pk}.ics")
