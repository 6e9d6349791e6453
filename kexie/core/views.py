"""The landing page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kexie.organizations.models import Organization


@login_required
def home(request):
    user = request.user
    context = {
        "organization_count": Organization.objects.restrict(user, "org.view").count(),
    }
    return render(request, "core/home.html", context)
