"""Alignment (对标) pages: choose the upper plan, decide each item's counterpart, the coverage report.

Reading needs plan.view on the lower plan, deciding plan.change, the export plan.export; the lower
plan comes through the user's data scope (404 outside it). An alignment is picked by its upper
plan (``?upper=<plan id>``); without one the latest alignment of the plan is shown. Decisions
answer htmx with the re-rendered row and a plain POST with a redirect back to the screen.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import access_object
from kexie.core.excel import xlsx_response
from kexie.accounts.scope import require_page_code as _require
from kexie.textsim import strong_threshold

from . import alignment as services
from .models import ItemAlignment, Plan


def _get_plan(request, pk, code: str) -> Plan:
    _require(request, code)
    return access_object(Plan.objects.select_related("organization"), request.user, code, pk=pk)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _chosen(request, plan: Plan, upper=None):
    """The alignment of ``plan`` to the upper plan named in the request, else the latest one."""
    alignments = services.alignments_of(request.user, plan)
    upper = upper if upper is not None else request.GET.get("upper") or request.POST.get("upper")
    if upper:
        try:
            return alignments.filter(upper_plan_id=int(upper)).first(), alignments
        except (TypeError, ValueError):
            return None, alignments
    return alignments.first(), alignments


def _screen_url(plan: Plan, alignment=None, **query) -> str:
    params = {"upper": alignment.upper_plan_id} if alignment else {}
    params.update({k: v for k, v in query.items() if v})
    url = reverse("plans:alignment", args=[plan.pk])
    return f"{url}?{urlencode(params)}" if params else url


def _row_context(row: ItemAlignment, threshold: float) -> dict:
    suggestions = list(row.suggestions.all())
    best = suggestions[0].score if suggestions else None
    return {
        "row": row, "suggestions": [{"s": s, "percent": round(s.score * 100)} for s in suggestions],
        "below": best is None or best < threshold, "decided": row.decided,
        "strong": services.is_strong_row(row, strong_threshold(threshold)),
        "top": suggestions[0].upper_item if suggestions else None,
    }


@login_required
@require_http_methods(["GET", "POST"])
def alignment_screen(request, pk):
    """GET: the chooser of the upper plan and the two-column view; POST: start an alignment."""
    if request.method == "POST":
        plan = _get_plan(request, pk, "plan.change")
        chosen = request.POST.get("upper_plan") or ""
        upper = Plan.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        try:
            alignment = services.alignment_start(by=request.user, plan=plan, upper_plan=upper,
                                                 threshold=request.POST.get("threshold") or None)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("plans:alignment", pk=plan.pk)
        messages.success(request, _("Suggestions computed for %(count)d items; accept or change them below.")
                         % {"count": alignment.items.count()})
        return redirect(_screen_url(plan, alignment))
    plan = _get_plan(request, pk, "plan.view")
    alignment, alignments = _chosen(request, plan)
    show = request.GET.get("show", "")
    show = show if show in services.FILTERS else ""
    can_change = request.user.has_code("plan.change")
    rows = []
    if alignment is not None:
        rows = [_row_context(r, alignment.threshold) for r in services.alignment_rows(alignment, show=show)]
    return render(request, "plans/alignment.html", {
        "plan": plan, "alignment": alignment, "alignments": alignments, "rows": rows, "show": show,
        "choices": services.upper_plan_choices(request.user, plan) if can_change else [],
        "can": {"change": can_change, "export": request.user.has_code("plan.export")},
        "counts": services.alignment_counts(alignment) if alignment else None,
    })


def _get_row(request, pk, item_pk, code: str) -> tuple[Plan, ItemAlignment]:
    plan = _get_plan(request, pk, code)
    row = access_object(ItemAlignment.objects.filter(alignment__plan=plan).select_related(
        "alignment__upper_plan", "item"),
                        request.user, code, pk=item_pk)
    return plan, row


@login_required
@require_POST
def alignment_decide(request, pk, item_pk):
    """Accept the suggestion, choose another upper item (``upper_item``) or mark 无对应 (``none``)."""
    plan, row = _get_row(request, pk, item_pk, "plan.change")
    error = ""
    try:
        upper_item = None if request.POST.get("none") else services.upper_item_by_id(
            row.alignment, request.POST.get("upper_item"))
        row = services.alignment_decide(by=request.user, item_alignment=row, upper_item=upper_item)
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if not _is_htmx(request):
        if error:
            messages.error(request, _("%(item)s: %(error)s") % {"item": row.item.key, "error": error})
        return redirect(_screen_url(plan, row.alignment) + f"#row-{row.pk}")
    row = services.alignment_rows(row.alignment).get(pk=row.pk)
    context = _row_context(row, row.alignment.threshold)
    context.update({"plan": plan, "alignment": row.alignment, "error": error, "can": {"change": True}})
    # htmx swaps only 2xx answers: a refusal comes back as the row with its message.
    return render(request, "plans/alignment_row.html", context)


@login_required
@require_GET
def alignment_search(request, pk, item_pk):
    """Items of the upper plan matching the search box, each with a button to choose it (htmx)."""
    plan, row = _get_row(request, pk, item_pk, "plan.view")
    return render(request, "plans/alignment_search.html", {
        "plan": plan, "row": row, "q": request.GET.get("q", ""),
        "items": services.upper_items_matching(row.alignment, request.GET.get("q", "")),
        "can": {"change": request.user.has_code("plan.change")},
    })


@login_required
@require_POST
def alignment_accept(request, pk):
    """接受全部强对应: accept every undecided strong first suggestion, then show what is left to
    confirm one by one."""
    plan = _get_plan(request, pk, "plan.change")
    alignment, _alignments = _chosen(request, plan)
    if alignment is None:
        raise Http404
    count = services.alignment_accept_strong(by=request.user, alignment=alignment)
    messages.success(request, _("%(count)d strong suggestions accepted; the rest are listed to be confirmed.")
                     % {"count": count})
    return redirect(_screen_url(plan, alignment, show="review"))


@login_required
@require_GET
def alignment_coverage(request, pk):
    """The 任务不少 check: upper tasks without a lower counterpart, lower tasks aligned to nothing."""
    plan = _get_plan(request, pk, "plan.view")
    alignment, alignments = _chosen(request, plan)
    report = services.alignment_coverage(alignment) if alignment else None
    return render(request, "plans/alignment_coverage.html", {
        "plan": plan, "alignment": alignment, "alignments": alignments, "report": report,
        "rate": round(report.rate * 100) if report else 0,
        "can": {"export": request.user.has_code("plan.export")},
    })


@login_required
@require_GET
def alignment_coverage_export(request, pk):
    plan = _get_plan(request, pk, "plan.export")
    alignment, _alignments = _chosen(request, plan)
    if alignment is None:
        raise Http404
    workbook = services.alignment_coverage_export(by=request.user, alignment=alignment)
    return xlsx_response(workbook, f"{plan.title}-{_('alignment coverage')}-{timezone.localdate():%Y%m%d}.xlsx")
