"""Award call pages: the calls in the user's scope, one call's channels, nominations with their
formal check, the panel's ranking and the winners, and an Excel list of the nominations (read
only; changes go through the services)."""


import openpyxl
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import xlsx_response
from kexie.core.paging import paginate

from . import selectors
from .models import NominationStatus

VIEW = selectors.VIEW


def _call_of(request, pk):
    call = selectors.calls_for(request.user, VIEW).filter(pk=pk).first()
    if call is None:
        raise Http404
    return call


@login_required
@require_GET
def call_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.calls_for(request.user, VIEW), 50)
    return render(request, "awards/list.html", {"page_obj": page, "calls": page.object_list})


@login_required
@require_GET
def call_detail(request, pk):
    _require(request, VIEW)
    call = _call_of(request, pk)
    nominations = selectors.nominations_for(request.user, call, VIEW)
    return render(request, "awards/detail.html", {
        "call": call, "channels": call.channels.select_related("organization"), "nominations": nominations,
        "ranking": selectors.call_ranking(call),
        "winners": nominations.filter(status=NominationStatus.WINNER)})


@login_required
@require_GET
def nominations_export(request, pk):
    _require(request, VIEW)
    call = _call_of(request, pk)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "推荐人选"
    sheet.append(["被推荐人", "推荐渠道", "推荐人", "状态", "形式审查意见"])
    for n in selectors.nominations_for(request.user, call, VIEW).prefetch_related("recommenders"):
        sheet.append([n.nominee.name, str(n.channel.organization), "、".join(p.name for p in n.recommenders.all()),
                      n.get_status_display(), "；".join(n.check_reasons)])
    return xlsx_response(book, f"{call.title}-推荐人选.xlsx")
