"""Volunteer pages."""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kexie.accounts.scope import require_page_code as _require

VIEW = "volunteer.view"


@login_required
@require_GET
def team_list(request):
    _require(request, VIEW)
    return render(request, "volunteers/teams.html", {"teams": []})
