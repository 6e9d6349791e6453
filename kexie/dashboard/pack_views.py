"""Downloads of the monthly meeting pack: the report (.docx) and its figures (.xlsx) for one
organisation in the user's scope (``?org=``, default the user's own), optionally narrowed to a plan
(``?plan=``, as on the dashboard page), on a meeting date (``?date=``)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kexie.accounts.scope import access_object
from kexie.core.excel import XLSX_CONTENT_TYPE, attachment_response
from kexie.organizations.models import Organization

from .meeting_pack import DOCX_CONTENT_TYPE, meeting_pack_export

CONTENT_TYPES = {"docx": DOCX_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}


def _organization(request) -> Organization:
    """The organisation named by ``?org=``, or the user's own; outside the scope it is a 404."""
    pk = request.GET.get("org", "").strip() or request.user.organization_id
    return access_object(Organization, request.user, "plan.export", pk=pk)


def _pack(request, fmt: str):
    if not request.user.has_code("plan.export"):
        raise PermissionDenied
    organization = _organization(request)
    meeting_date = None
    raw = request.GET.get("date", "").strip()
    if raw:
        try:
            meeting_date = dt.date.fromisoformat(raw)
        except ValueError:
            return HttpResponseBadRequest(
                _("The meeting date “%(value)s” is not a date; write it as 2026-05-15.") % {"value": raw[:20]},
                content_type="text/plain; charset=utf-8")
    plan = request.GET.get("plan", "").strip() or None
    if plan is not None and not plan.isdigit():
        raise Http404
    filename, content = meeting_pack_export(by=request.user, organization=organization, fmt=fmt,
                                            meeting_date=meeting_date, plan=plan and int(plan))
    return attachment_response(content, filename, content_type=CONTENT_TYPES[fmt])


@login_required
@require_GET
def meeting_pack_docx(request):
    return _pack(request, "docx")


@login_required
@require_GET
def meeting_pack_xlsx(request):
    return _pack(request, "xlsx")
