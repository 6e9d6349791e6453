"""The home page: the workbench (工作台)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import todo_for


@login_required
@require_GET
def home(request):
    """What waits for the user, with counts and links; the task lights of their subtree."""
    user = request.user
    context = {"todo": todo_for(user)}
    if user.organization_id and user.has_code("plan.view"):
        from kexie.dashboard.selectors import counts

        context["task_counts"] = counts(user=user, organization=user.organization_id)
    return render(request, "workbench/home.html", context)
