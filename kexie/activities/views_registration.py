"""Registration and check-in pages.

Any signed-in account (the S&T worker's external account included): the activities open for
registration, registering, its own registrations with each ticket as a QR code, cancelling one and
the certificate of attendance. An account sees only its own registrations (another's is not
found).

Staff with ``activity.manage`` for an activity in their scope: the registration settings, the
list of registrations, registering someone on their behalf, the phone check-in page (camera or
typed code, an offline queue synced later), the printed roster with its Excel copy, ticking who
came on it, and the certificates of everyone checked in."""

import json

import openpyxl
import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import attachment_response, xlsx_response
from kexie.core.forms import form_step
from kexie.core.masking import mask_phone
from kexie.core.officialdoc import chinese_date
from kexie.people.models import Person
from kexie.people.picker import PersonChoiceField

from . import registration as reg
from . import selectors
from .models import Registration, RegistrationStatus

MANAGE = selectors.MANAGE


# --- forms ----------------------------------------------------------------------------------------

class SettingsForm(forms.Form):
    registration_open = forms.BooleanField(label=gettext_lazy("registration open"), required=False)
    capacity = forms.IntegerField(label=gettext_lazy("capacity"), required=False, min_value=1,
                                  help_text=gettext_lazy("Leave empty for no limit."))
    registration_closes_on = forms.DateField(label=gettext_lazy("registration closes on"), required=False,
                                             widget=forms.DateInput(attrs={"type": "date"}))


class RegisterForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50, required=False)
    unit = forms.CharField(label=gettext_lazy("work unit"), max_length=200, required=False)
    mobile = forms.CharField(label=gettext_lazy("mobile"), max_length=20, required=False)


class OnBehalfForm(forms.Form):
    person = PersonChoiceField(label=gettext_lazy("person"), required=False, picker="activities.expert",
                               help_text=gettext_lazy("A person record, or leave empty and type the name."))
    name = forms.CharField(label=pgettext_lazy("person", "name"), max_length=50, required=False)
    unit = forms.CharField(label=gettext_lazy("work unit"), max_length=200, required=False)
    mobile = forms.CharField(label=gettext_lazy("mobile"), max_length=20, required=False)

    def __init__(self, *args, persons=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons if persons is not None else Person.objects.none()


# --- helpers --------------------------------------------------------------------------------------

def _managed_activity(request, pk):
    _require(request, MANAGE)
    activity = selectors.activities_for(request.user, MANAGE).filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def qr_svg(text: str) -> str:
    """The QR code of ``text`` as inline SVG markup."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")


def _own_registration(request, pk) -> Registration:
    registration = reg.own_registrations(request.user).filter(pk=pk).first()
    if registration is None:
        raise Http404
    return registration


# --- the account's own pages ------------------------------------------------------------------------

@login_required
@require_GET
def open_list(request):
    activities = list(reg.open_activities()[:200])
    mine = dict(reg.own_registrations(request.user).exclude(status=RegistrationStatus.CANCELLED)
                .values_list("activity_id", "status"))
    return render(request, "activities/registration/open.html", {
        "rows": [(a, mine.get(a.pk)) for a in activities], "form": RegisterForm(initial={
            "name": request.user.full_name, "mobile": getattr(request.user, "mobile", "")})})


@login_required
@require_POST
def register(request, pk):
    form = RegisterForm(request.POST)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    try:
        registration = reg.register(by=request.user, activity=pk, name=data.get("name", ""),
                                    unit=data.get("unit", ""), mobile=data.get("mobile", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("activities:open")
    if registration.status == RegistrationStatus.WAITING:
        messages.warning(request, _("The seats are taken: you are on the waiting list."))
    else:
        messages.success(request, _("You are registered. Your ticket is below."))
    return redirect("activities:my_registrations")


@login_required
@require_GET
def my_registrations(request):
    rows = []
    for registration in reg.own_registrations(request.user):
        showable = registration.status == RegistrationStatus.CONFIRMED
        rows.append({"registration": registration,
                     "qr": mark_safe(qr_svg(registration.ticket)) if showable else "",  # noqa: S308 — our SVG
                     "mobile": mask_phone(registration.mobile)})
    return render(request, "activities/registration/mine.html", {"rows": rows})


@login_required
@require_POST
def my_cancel(request, pk):
    registration = _own_registration(request, pk)
    try:
        reg.cancel_own(by=request.user, registration=registration)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Your registration was cancelled."))
    return redirect("activities:my_registrations")


def _certificate(registration):
    from kexie.certificates import Certificate

    activity = registration.activity
    if activity.starts_on == activity.ends_on:
        when = chinese_date(activity.starts_on)
    else:
        when = _("%(start)s to %(end)s") % {"start": chinese_date(activity.starts_on),
                                             "end": chinese_date(activity.ends_on)}
    lines = [_("took part in “%(title)s” held by %(host)s on %(when)s.") % {
        "title": activity.title, "host": activity.organization.name, "when": when}]
    if activity.place:
        lines.append(_("Place: %(place)s") % {"place": activity.place})
    today = timezone.localdate()
    return Certificate(title=_("Certificate of attendance"), holder=registration.name, lines=lines,
                       issuer=activity.organization.name, issued_on=today,
                       serial=f"HD{activity.pk:05d}-{registration.pk:06d}", serial_label=_("Certificate No."),
                       date_text=chinese_date(today))


def _pdf(certs, filename):
    from kexie.certificates import render_pdf

    return attachment_response(render_pdf(certs), filename, content_type="application/pdf")


@login_required
@require_GET
def my_certificate(request, pk):
    registration = _own_registration(request, pk)
    if registration.checked_in_at is None or registration.status != RegistrationStatus.CONFIRMED:
        raise Http404
    return _pdf([_certificate(registration)], _("Certificate of attendance") + f"-{registration.name}.pdf")


# --- staff: settings, list, registering on someone's behalf -----------------------------------------

@login_required
@require_POST
def registration_settings(request, pk):
    activity = _managed_activity(request, pk)
    form = SettingsForm(request.POST)

    def run(data):
        return reg.registration_settings(by=request.user, activity=activity, open=data["registration_open"],
                                         capacity=data["capacity"], closes_on=data["registration_closes_on"])

    return form_step(request, form, run, _("The registration settings were saved."),
                     done=lambda _a: redirect("activities:registrations", pk=activity.pk),
                     again=lambda: _registrations_page(request, activity, settings_form=form, status=400))


def _registrations_page(request, activity, *, settings_form=None, form=None, status=200):
    rows = [{"registration": r, "mobile": mask_phone(r.mobile)} for r in reg.registrations_of(activity)]
    return render(request, "activities/registration/list.html", {
        "activity": activity, "rows": rows, "figures": reg.attendance(activity),
        "settings_form": settings_form or SettingsForm(initial={
            "registration_open": activity.registration_open, "capacity": activity.capacity,
            "registration_closes_on": activity.registration_closes_on}),
        "form": form or OnBehalfForm(persons=selectors.expert_choices(request.user))}, status=status)


@login_required
@require_GET
def registrations(request, pk):
    return _registrations_page(request, _managed_activity(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def register_for(request, pk):
    activity = _managed_activity(request, pk)
    form = OnBehalfForm(request.POST or None, persons=selectors.expert_choices(request.user))
    if request.method == "GET":
        return _registrations_page(request, activity, form=form)

    def success(r):
        return (_("%(name)s is on the waiting list.") if r.status == RegistrationStatus.WAITING
                else _("%(name)s is registered.")) % {"name": r.name}

    return form_step(request, form, lambda d: reg.register_for(by=request.user, activity=activity, **d), success,
                     done=lambda _r: redirect("activities:registrations", pk=activity.pk),
                     again=lambda: _registrations_page(request, activity, form=form, status=400))


@login_required
@require_POST
def registration_cancel(request, pk):
    _require(request, MANAGE)
    registration = Registration.objects.filter(
        pk=pk, activity__in=selectors.activities_for(request.user, MANAGE)).first()
    if registration is None:
        raise Http404
    try:
        reg.cancel_by_staff(by=request.user, registration=registration)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The registration was cancelled."))
    return redirect("activities:registrations", pk=registration.activity_id)


# --- staff: check-in --------------------------------------------------------------------------------

def _checkin_page(request, activity, *, scan=None, status=200):
    return render(request, "activities/registration/checkin.html", {
        "activity": activity, "figures": reg.attendance(activity), "scan": scan}, status=status)


@login_required
@require_GET
def checkin(request, pk):
    return _checkin_page(request, _managed_activity(request, pk))


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def checkin_scan(request, pk):
    """One scan or typed code: checks in (``op=in``, the default) or out (``op=out``). Answers JSON
    to the page's script, or the page again without it."""
    _require(request, MANAGE)
    code, op = request.POST.get("code", ""), request.POST.get("op", "in")
    # The service fetches the activity within the clerk's scope (else 404): the one check.
    if op == "out":
        scan = reg.check_out(by=request.user, activity=pk, code=code)
    else:
        scan = reg.check_in(by=request.user, activity=pk, code=code)
    status = 400 if scan.outcome == "refused" else 200
    if _wants_json(request):
        return JsonResponse({"outcome": scan.outcome, "message": scan.message, "name": scan.name,
                             "checked_in": reg.checked_in_count(pk)}, status=status)
    return _checkin_page(request, _managed_activity(request, pk), scan=scan, status=status)


@login_required
@require_POST
def checkin_sync(request, pk):
    """Scans queued offline: a JSON body {"scans": [{code, op, at, device} …]} (or the list
    itself); each applied once however often the batch is sent."""
    activity = _managed_activity(request, pk)
    try:
        body = json.loads(request.body or b"null")
    except ValueError:
        body = None
    batch = body.get("scans") if isinstance(body, dict) else body
    try:
        results = reg.sync(by=request.user, activity=activity, batch=batch)
    except ValidationError as error:
        return JsonResponse({"errors": error.message_dict}, status=400)
    return JsonResponse({"results": results, "counted": sum(r["outcome"] == "ok" for r in results),
                         "checked_in": reg.attendance(activity)["checked_in"]})


@login_required
@require_GET
def checkin_roster(request, pk):
    """The confirmed tickets with names, for the check-in page to keep offline."""
    activity = _managed_activity(request, pk)
    return JsonResponse({"activity": activity.pk, "title": activity.title, "at": timezone.now().isoformat(),
                         "tickets": [{"code": r.ticket, "name": r.name, "unit": r.unit,
                                      "in": r.checked_in_at is not None}
                                     for r in reg.roster(activity)]})


# --- staff: printed roster, ticking who came, certificates ----------------------------------------------

@login_required
@require_GET
def roster(request, pk):
    activity = _managed_activity(request, pk)
    return render(request, "activities/registration/roster.html", {
        "activity": activity, "rows": reg.roster(activity), "figures": reg.attendance(activity)})


@login_required
@require_GET
def roster_export(request, pk):
    activity = _managed_activity(request, pk)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "签到表"
    sheet.append([activity.title])
    sheet.append(["序号", "姓名", "工作单位", "手机号", "票号", "签到", "签到时间"])
    for n, r in enumerate(reg.roster(activity), 1):
        sheet.append([n, r.name, r.unit, mask_phone(r.mobile), r.ticket, "☑" if r.checked_in_at else "☐",
                      timezone.localtime(r.checked_in_at).strftime("%H:%M") if r.checked_in_at else ""])
    return xlsx_response(book, "签到表.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def list_checkin(request, pk):
    activity = _managed_activity(request, pk)
    if request.method == "POST":
        counted = reg.check_in_list(by=request.user, activity=activity,
                                    registration_ids=request.POST.getlist("came"))
        messages.success(request, _("%(n)s checked in from the list.") % {"n": counted})
        return redirect("activities:list_checkin", pk=activity.pk)
    return render(request, "activities/registration/list_checkin.html", {
        "activity": activity, "rows": reg.roster(activity), "figures": reg.attendance(activity)})


@login_required
@require_GET
def certificates(request, pk):
    activity = _managed_activity(request, pk)
    attended = [r for r in reg.roster(activity).select_related("activity__organization") if r.checked_in_at]
    if not attended:
        raise Http404
    return _pdf([_certificate(r) for r in attended], _("Certificates of attendance") + f"-{activity.title}.pdf")

