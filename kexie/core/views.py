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
    if user.organization_id and user.has_code("plan.view"):
        # One aggregate over the snapshots of the user's subtree (kexie.dashboard.selectors.counts).
        from kexie.dashboard.selectors import counts

        context["task_counts"] = counts(user=user, organization=user.organization_id)
    return render(request, "core/home.html", context)
