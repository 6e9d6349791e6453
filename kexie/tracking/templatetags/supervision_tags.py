"""What the task page's supervision panel needs, computed here so the task view needs no change.

``{% task_supervision item as sup %}`` gives the task's notices and instructions the signed-in
user may see, and whether the user may issue a notice or write an instruction on it.
"""

from django import template
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kexie.plans.models import PlanItem

from ..supervision import instructions_for, notices_for
from ..supervision_views import STATUS_LABELS, may_issue

register = template.Library()


@register.simple_tag(takes_context=True)
def task_supervision(context, item) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_code("plan.view"):
        return {"notices": [], "instructions": [], "can_issue": False, "can_instruct": False}
    today = timezone.localdate()
    notices = [{"notice": n, "status": n.status_on(today), "status_label": STATUS_LABELS[n.status_on(today)]}
               for n in notices_for(user).filter(item_id=item.pk).select_related("organization")]
    try:
        instructions = list(instructions_for(item, user))
    except Http404:
        instructions = []
    can_instruct = (user.has_code("supervise.manage")
                    and PlanItem.objects.restrict(user, "supervise.manage").filter(pk=item.pk).exists())
    return {"notices": notices, "instructions": instructions, "can_instruct": can_instruct,
            "can_issue": can_instruct and may_issue(user, item)}


@register.simple_tag
def task_url(item_or_pk) -> str:
    """The task's page; the ledger of its plan where the task pages are not installed."""
    pk = getattr(item_or_pk, "pk", item_or_pk)
    try:
        return reverse("tracking:task", args=[pk])
    except NoReverseMatch:
        item = item_or_pk if isinstance(item_or_pk, PlanItem) else PlanItem.objects.filter(pk=pk).first()
        return reverse("ledger:plan", args=[item.plan_id]) if item else ""
