"""Supervision pages: notices (督办单) with their list, detail, issue, reply and close, and
leaders' instructions (批示) on tasks.

Each view checks its permission code first (403 without it); notices and tasks come through the
user's data scope (404 outside it). Writing goes through :mod:`kexie.tracking.supervision`,
which checks the issuer and the responsible unit.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import access_object
from kexie.audit.selectors import history_for, with_person_names
from kexie.core.downloads import file_download
from kexie.core.excel import attachment_response, xlsx_response
from kexie.core.officialdoc import DOCX_CONTENT_TYPE
from kexie.core.paging import paginate
from kexie.core.forms import apply_service_errors
from kexie.organizations.forms import OrgChoiceField
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.plans.models import PlanItem
from kexie.accounts.scope import require_page_code as _require

from . import supervision, supervision_doc
from .models import NoticeStatus, SupervisionEvidence, SupervisionNotice
from .services import is_issuer_or_above, responsible_organization_ids
from .supervision_excel import STATUS_LABELS, notices_export

PAGE_SIZE = 25
# The order of the counts above the list: the life of a notice.
STATUS_ORDER = [NoticeStatus.ISSUED, NoticeStatus.OVERDUE, NoticeStatus.REPLIED, NoticeStatus.CLOSED]
HISTORY_ACTIONS = {"issue": pgettext_lazy("supervision history", "Issued"),
                   "reply": pgettext_lazy("supervision history", "Replied"),
                   "close": pgettext_lazy("supervision history", "Closed")}


def may_issue(user, item: PlanItem) -> bool:
    """Whether to offer ``user`` the issue form on ``item``: the task's issuer or a level above it,
    holding ``supervise.manage``. The service checks it again on every write."""
    return user.has_code("supervise.manage") and is_issuer_or_above(user, item)


def may_close(user, notice: SupervisionNotice) -> bool:
    """Whether to offer the close button: a replied notice, for its issuer or a level above it."""
    return (notice.status == NoticeStatus.REPLIED and user.has_code("supervise.manage")
            and supervision.on_issuing_side(user, notice)
            and supervision.notices_for(user, "supervise.manage").filter(pk=notice.pk).exists())


def may_reply(user, notice: SupervisionNotice) -> bool:
    """Whether to offer the reply form: a notice waiting for a reply, for its unit (or above),
    not to the side that issued it (see :func:`kexie.tracking.supervision.answers_for_unit`)."""
    return (notice.status == NoticeStatus.ISSUED and user.has_code("report.submit")
            and supervision.notices_for(user, "report.submit").filter(pk=notice.pk).exists()
            and supervision.answers_for_unit(user, notice))


# --- the list and its export -------------------------------------------------------------------

class NoticeFilterForm(forms.Form):
    """The search form above the notices list (GET)."""

    status = forms.ChoiceField(label=pgettext_lazy("supervision notice", "Status"), required=False,
                               choices=[("", gettext_lazy("All statuses")), *STATUS_LABELS.items()])
    unit = OrgChoiceField(label=gettext_lazy("Supervised unit"), required=False, queryset=Organization.objects.none(),
                          empty_label=gettext_lazy("All units"),
                          help_text=gettext_lazy("The unit or any unit under it."))
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, user, code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organization.objects.restrict(user, code).order_by("depth", "name")
        self.fields["unit"].use_text_input_if_large()
        years = (supervision.notices_for(user, code).order_by("-year").values_list("year", flat=True).distinct())
        this_year = timezone.localdate().year
        self.fields["year"].choices = [("", _("All years")), *[
            (year, str(year)) for year in sorted(set(years) | {this_year}, reverse=True)]]

    def filtered(self, notices, today: dt.date, *, with_status: bool = True):
        """``notices`` narrowed by the valid filters; the status filter can be left out (the counts)."""
        if not self.is_bound or not self.is_valid():
            return notices
        data = self.cleaned_data
        if data.get("unit"):
            below = OrganizationClosure.objects.filter(ancestor=data["unit"]).values("descendant_id")
            notices = notices.filter(organization_id__in=below)
        if data.get("year"):
            notices = notices.filter(year=data["year"])
        if with_status and data.get("status"):
            notices = notices.filter(supervision.status_q(data["status"], today))
        return notices

    def description(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: str(getattr(value, "pk", value)) for key, value in self.cleaned_data.items() if value}


def status_counts(notices, today: dt.date) -> list[dict]:
    """How many of ``notices`` are in each status on ``today``, in one query."""
    counts = notices.aggregate(**{status.value: Count("pk", filter=supervision.status_q(status, today))
                                  for status in STATUS_ORDER})
    return [{"status": status.value, "label": STATUS_LABELS[status], "count": counts[status.value]}
            for status in STATUS_ORDER]


@login_required
@require_GET
def notice_list(request):
    """Supervision notices addressed to units in the user's scope, with counts per status."""
    _require(request, "plan.view")
    today = timezone.localdate()
    form = NoticeFilterForm(request.GET or None, user=request.user, code="plan.view")
    visible = supervision.notices_for(request.user)
    notices = form.filtered(visible, today).select_related("item", "organization", "issuer")
    page = paginate(request, notices, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("status", None)
    return render(request, "tracking/supervision/list.html", {
        "form": form, "page_obj": page, "today": today,
        "rows": [{"notice": n, "status": n.status_on(today),
                  "status_label": STATUS_LABELS[n.status_on(today)]} for n in page.object_list],
        "counts": status_counts(form.filtered(visible, today, with_status=False), today),
        "chosen_status": request.GET.get("status", ""), "base_query": query.urlencode(),
        "export_query": request.GET.urlencode(), "can_export": request.user.has_code("plan.export"),
    })


@login_required
@require_GET
def notice_export(request):
    """The filtered notices list as an .xlsx file."""
    _require(request, "plan.export")
    today = timezone.localdate()
    form = NoticeFilterForm(request.GET or None, user=request.user, code="plan.export")
    if form.is_bound and not form.is_valid():
        # Never export more than the user asked for.
        messages.error(request, _("Correct the search conditions before exporting."))
        return redirect("supervision:list")
    title = _("Supervision notices")
    notices = form.filtered(supervision.notices_for(request.user, "plan.export"), today)
    workbook = notices_export(by=request.user, notices=notices, filters=form.description(), today=today, title=title)
    return xlsx_response(workbook, f"{title}-{today:%Y%m%d}.xlsx")


# --- one notice ---------------------------------------------------------------------------------

def _history(notice: SupervisionNotice) -> list[dict]:
    """The handling record (办理记录): issue, reply and close, oldest first, by people's names."""
    rows = reversed(with_person_names(history_for(notice, actions=HISTORY_ACTIONS)))
    return [{"time": row.time, "who": row.person, "organization": row.organization_name,
             "action": HISTORY_ACTIONS[row.action]} for row in rows]


@login_required
@require_GET
def notice_detail(request, pk):
    """The notice in its official form, its reply with evidence, and its history."""
    _require(request, "plan.view")
    notice = access_object(SupervisionNotice.objects.select_related("item__plan", "organization", "issuer",
                                                                    "issued_by", "replied_by", "closed_by"),
                           request.user, "plan.view", pk=pk)
    today = timezone.localdate()
    status = notice.status_on(today)
    return render(request, "tracking/supervision/detail.html", {
        "notice": notice, "status": status, "status_label": STATUS_LABELS[status],
        "evidence": list(notice.evidence.all()), "history": _history(notice),
        "can": {"reply": may_reply(request.user, notice), "close": may_close(request.user, notice)},
    })


@login_required
@require_GET
def notice_print(request, pk):
    """The notice alone on an A4 sheet in official form, for the browser to print."""
    _require(request, "plan.view")
    notice = access_object(SupervisionNotice.objects.select_related("item", "organization", "issuer"),
                           request.user, "plan.view", pk=pk)
    return render(request, "tracking/supervision/print.html",
                  {"notice": notice, "document": supervision_doc.notice_document(notice)})


@login_required
@require_GET
def notice_download(request, pk):
    """The notice as a Word document in official form (audited as an export)."""
    _require(request, "plan.view")
    notice = access_object(SupervisionNotice, request.user, "plan.view", pk=pk)
    filename, content = supervision_doc.notice_export(by=request.user, notice=notice)
    return attachment_response(content, filename, content_type=DOCX_CONTENT_TYPE)


@login_required
@require_GET
def evidence_download(request, pk):
    """A file attached to a reply, for whoever may see the notice."""
    _require(request, "plan.view")
    # A file is as visible as its notice.
    evidence = SupervisionEvidence.objects.filter(pk=pk, notice__in=supervision.notices_for(request.user)).first()
    if evidence is None:
        raise Http404
    return file_download(evidence.file.open("rb"), evidence.name)


# --- issue, reply, close -------------------------------------------------------------------------

class IssueForm(forms.Form):
    organization = OrgChoiceField(label=gettext_lazy("Supervised unit"), queryset=Organization.objects.none(),
                                  empty_label=None)
    reason = forms.CharField(label=gettext_lazy("Reason for supervision"), widget=forms.Textarea(attrs={"rows": 5}),
                             error_messages={"required": gettext_lazy("Give the reason for the supervision notice.")})
    reply_due = forms.DateField(label=gettext_lazy("Reply deadline"), widget=forms.DateInput(attrs={"type": "date"}),
                                error_messages={"required": gettext_lazy("Give the reply deadline as a date.")})

    def __init__(self, *args, user, item: PlanItem, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the task's responsible units that the user may supervise.
        self.fields["organization"].queryset = (Organization.objects.restrict(user, "supervise.manage")
                                                .filter(pk__in=responsible_organization_ids(item))
                                                .order_by("depth", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def notice_issue(request, item_pk):
    """Issue a supervision notice (下发督办单) on a task to one of its responsible units."""
    _require(request, "supervise.manage")
    item = access_object(PlanItem.objects.select_related("plan"), request.user, "supervise.manage", pk=item_pk)
    if not may_issue(request.user, item):
        raise PermissionDenied
    form = IssueForm(request.POST or None, user=request.user, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            notice = supervision.supervision_issue(by=request.user, item=item, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Supervision notice %(number)s was issued to %(unit)s.")
                             % {"number": notice.number, "unit": notice.organization.name})
            return redirect("supervision:detail", pk=notice.pk)
    return render(request, "tracking/supervision/issue.html", {"form": form, "item": item},
                  status=400 if form.errors else 200)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service's upload checks."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class ReplyForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Reply"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    evidence = MultipleFileField(label=gettext_lazy("Evidence"), required=False,
                                 help_text=gettext_lazy("pdf, docx, xlsx, txt, png or jpg; several files at once."))


@login_required
@require_http_methods(["GET", "POST"])
def notice_reply(request, pk):
    """The unit's reply to a notice, with evidence files."""
    _require(request, "report.submit")
    notice = access_object(SupervisionNotice.objects.select_related("item", "organization", "issuer"),
                           request.user, "report.submit", pk=pk)
    if not supervision.answers_for_unit(request.user, notice):
        raise PermissionDenied
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            supervision.supervision_reply(by=request.user, notice=notice, text=form.cleaned_data["text"],
                                          evidence=form.cleaned_data["evidence"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The reply to supervision notice %(number)s was sent.")
                             % {"number": notice.number})
            return redirect("supervision:detail", pk=notice.pk)
    elif notice.status != NoticeStatus.ISSUED:
        messages.info(request, _("Supervision notice %(number)s is %(status)s and takes no further reply.")
                      % {"number": notice.number, "status": notice.get_status_display()})
    return render(request, "tracking/supervision/reply.html", {"form": form, "notice": notice},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def notice_close(request, pk):
    """Close a replied notice (办结): the issuing organisation or a level above it."""
    _require(request, "supervise.manage")
    notice = access_object(SupervisionNotice, request.user, "supervise.manage", pk=pk)
    try:
        supervision.supervision_close(by=request.user, notice=notice)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Supervision notice %(number)s was closed.") % {"number": notice.number})
    return redirect("supervision:detail", pk=notice.pk)


# --- instructions (批示) ---------------------------------------------------------------------------

class InstructionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Instruction"), widget=forms.Textarea(attrs={"rows": 5}),
                           required=False)


@login_required
@require_http_methods(["GET", "POST"])
def instruction_add(request, item_pk):
    """Write a leader's instruction (批示) on a task."""
    _require(request, "supervise.manage")
    item = access_object(PlanItem.objects.select_related("plan"), request.user, "supervise.manage", pk=item_pk)
    form = InstructionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supervision.instruction_add(by=request.user, item=item, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The instruction on task “%(task)s” was recorded.") % {"task": item.title})
            return redirect("supervision:instructions")
    return render(request, "tracking/supervision/instruction_form.html", {"form": form, "item": item},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def instruction_list(request):
    """Leaders' instructions on the tasks the user sees or whose responsible units are in scope."""
    _require(request, "plan.view")
    instructions = supervision.instructions_visible(request.user)
    item_id = request.GET.get("item", "")
    if item_id:
        instructions = instructions.filter(item_id=item_id) if item_id.isdigit() else instructions.none()
    page = paginate(request, instructions, PAGE_SIZE)
    item = page.object_list[0].item if item_id and page.object_list else None
    return render(request, "tracking/supervision/instructions.html", {"page_obj": page, "item": item})
