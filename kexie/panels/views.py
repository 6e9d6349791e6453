"""Review round pages: the list of rounds in the user's scope and one round's items, panel,
conflicts with their reasons and ranking (read only; changes go through the services)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_page_code as _require
from kexie.core.paging import paginate

from . import selectors
from .models import ReviewRound

VIEW = "expert.view"


@login_required
@require_GET
def round_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.rounds_for(request.user, VIEW), 50)
    return render(request, "panels/list.html", {"page_obj": page, "rounds": page.object_list})


@login_required
@require_GET
def round_detail(request, pk):
    _require(request, VIEW)
    round = access_object(ReviewRound.objects.select_related("organization", "library"), request.user, VIEW, pk=pk)
    return render(request, "panels/detail.html", {
        "round": round, "items": round.items.select_related("organization").prefetch_related("persons"),
        "panel": selectors.panel(round), "conflicts": selectors.conflicts(round),
        "ranking": selectors.ranking(round)})
