"""Pages of person records and expert libraries.

Every view checks the permission code first (403 without it) and fetches objects through the
user's data scope (404 outside it). The services do the writing.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import write_workbook, xlsx_response
from kexie.core.paging import paginate
from kexie.core.uploads import check_upload, decode_text
from kexie.core.forms import apply_service_errors
from kexie.organizations.models import Organization

from . import exchange, importers, sections, selectors, services
from .forms import (
    AccountLinkForm,
    EntryAddForm,
    EntryFilterForm,
    EntryForm,
    ImportForm,
    LibraryImportForm,
    PersonFilterForm,
    PersonForm,
    RelationForm,
    ReviewForm,
    StatusForm,
    WorksImportForm,
)
from .models import ExpertEntry, ExpertLibrary, Person, PersonMerge
from .works import WorksError, parse_works

PAGE_SIZE = 25
IMPORT_SESSION_KEY = "people_import"


def _get_person(request, pk, code="person.view") -> Person:
    _require(request, code)
    return access_object(Person.objects.current().select_related("organization"), request.user, code, pk=pk)


def _get_entry(request, pk, code="expert.view") -> ExpertEntry:
    _require(request, code)
    return access_object(ExpertEntry.objects.select_related("person", "library__organization"), request.user, code,
                         pk=pk)


def _get_library(request, pk, code="expert.view") -> ExpertLibrary:
    _require(request, code)
    return access_object(ExpertLibrary.objects.select_related("organization"), request.user, code, pk=pk)


# --- persons ----------------------------------------------------------------------------------------

@login_required
@require_GET
def person_list(request):
    _require(request, "person.view")
    form = PersonFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {"q": "", "discipline": ""}
    queryset = selectors.persons_for(request.user, q=data["q"], discipline=data["discipline"])
    page = paginate(request, queryset.prefetch_related("positions__organization"), PAGE_SIZE)
    return render(request, "people/list.html", {
        "form": form, "page_obj": page, "persons": page.object_list,
        "can": {"manage": request.user.has_code("person.manage")}})


def _positions_text(person) -> str:
    return "\n".join(f"{p.unit}|{p.role}" if p.role else p.unit for p in person.positions.all())


def _honours_text(person) -> str:
    return "\n".join(f"{h.name}:{h.year}" if h.year else h.name for h in person.honours.all())


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    _require(request, "person.manage")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(by=request.user, organization=request.user.organization,
                                            data=form.person_data(keep_personal=False),
                                            positions=form.position_list(), honours=form.honour_list())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The person record was saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _get_person(request, pk, "person.manage")
    initial = {"name": person.name, "gender": person.gender, "birth_date": person.birth_date, "title": person.title,
               "disciplines": ";".join(person.disciplines), "industries": ";".join(person.industries),
               "region_code": person.region_code, "city": person.city, "positions": _positions_text(person),
               "honours": _honours_text(person)}
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(by=request.user, person=person, data=form.person_data(keep_personal=True),
                                   positions=form.position_list(), honours=form.honour_list())
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The person record was saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person})


def _library_choices(user):
    """Organisations whose library ``user`` may add to: their own, and the libraries of their scope."""
    orgs = {}
    if user.organization_id and Organization.objects.restrict(user, "expert.manage").filter(
            pk=user.organization_id).exists():
        orgs[user.organization_id] = user.organization
    for library in ExpertLibrary.objects.restrict(user, "expert.manage").select_related("organization"):
        orgs.setdefault(library.organization_id, library.organization)
    return list(orgs.values())


@login_required
@require_GET
def person_detail(request, pk):
    person = _get_person(request, pk)
    entries = ExpertEntry.objects.restrict(request.user, "expert.view").filter(person=person).select_related(
        "library")
    can_expert = request.user.has_code("expert.manage")
    return render(request, "people/detail.html", {
        "person": person, "positions": person.positions.select_related("organization"),
        "honours": person.honours.all(), "relations": person.relations.select_related("other"),
        "entries": entries, "relation_form": RelationForm(),
        "entry_form": EntryAddForm(organizations=_library_choices(request.user)) if can_expert else None,
        "account_form": AccountLinkForm(),
        # What the person did in the services (proposals written and adopted …), as each app shows it.
        "service_sections": sections.sections_for(request.user, person),
        "can": {"manage": request.user.has_code("person.manage"), "unmask": request.user.has_code("pii.unmask"),
                "expert": can_expert, "invite": request.user.has_code("external.invite")}})


# --- the person's platform account -------------------------------------------------------------------

def _account_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
@require_POST
def account_link(request, pk):
    person = _get_person(request, pk, "person.manage")
    form = AccountLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Account: enter the e-mail address, mobile number or user name of the account."))
        return redirect("people:detail", pk=person.pk)
    try:
        services.person_link_account(by=request.user, person=person, address=form.cleaned_data["address"])
    except ValidationError as error:
        _account_errors(request, error)
    else:
        messages.success(request, _("The account was linked to this person."))
    return redirect("people:detail", pk=person.pk)


@login_required
@require_POST
def account_unlink(request, pk):
    person = _get_person(request, pk, "person.manage")
    try:
        services.person_unlink_account(by=request.user, person=person)
    except ValidationError as error:
        _account_errors(request, error)
    else:
        messages.success(request, _("The account is no longer linked to this person."))
    return redirect("people:detail", pk=person.pk)


@login_required
@require_POST
def account_invite(request, pk):
    _require(request, "external.invite")
    person = _get_person(request, pk, "person.manage")
    try:
        services.person_invite_account(by=request.user, person=person, request=request)
    except ValidationError as error:
        _account_errors(request, error)
    else:
        messages.success(request, _("The invitation to open an account was sent; the account is linked to this "
                                    "person when it is accepted."))
    return redirect("people:detail", pk=person.pk)


@login_required
@require_POST
def person_unmask(request, pk):
    person = _get_person(request, pk, "pii.unmask")
    field = request.POST.get("field", "")
    try:
        value = services.person_unmask(by=request.user, person=person, field=field)
    except ValidationError:
        return HttpResponse(status=400)
    return HttpResponse(f'<span class="unmasked">{escape(value)}</span>')


@login_required
@require_POST
def relation_add(request, pk):
    person = _get_person(request, pk, "person.manage")
    form = RelationForm(request.POST)
    if form.is_valid():
        try:
            other = access_object(Person.objects.current(), request.user, "person.view", pk=form.cleaned_data["other"])
            services.relation_add(by=request.user, person=person, other=other, kind=form.cleaned_data["kind"],
                                  note=form.cleaned_data["note"])
            messages.success(request, _("The relation was added."))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except Http404:  # a record number outside the scope is reported, not a 404 of this page
            messages.error(request, _("No person record with that number."))
    else:
        messages.error(request, _("Choose a relation and give the record number of the related person."))
    return redirect("people:detail", pk=person.pk)


# --- import -----------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request):
    _require(request, "person.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importers.read_person_file(upload)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            token = secrets.token_urlsafe(12)
            request.session[IMPORT_SESSION_KEY] = {"token": token, "file": upload.name[:200], "rows": rows}
            results = importers.validate_rows(rows, by=request.user)
            return _import_preview(request, results, token=token, filename=upload.name)
    return render(request, "people/import.html", {"form": form})


def _import_preview(request, results, *, token, filename, status=200):
    counts = {kind: sum(1 for r in results if r.kind == kind and not r.errors) for kind in ("new", "exact", "possible")}
    return render(request, "people/import_preview.html", {
        "results": results, "token": token, "filename": filename, "counts": counts,
        "errors": sum(1 for r in results if r.errors)}, status=status)


@login_required
@require_GET
def import_template(request):
    _require(request, "person.manage")
    workbook = write_workbook(headers=importers.template_headers(), rows=[[
        "张伟", "男", "1978-03-12", "", "13800000000", "zhang.wei@example.cn", "教授", "甲省大学", "副院长",
        "520;52020", "I;65", "河南省", "郑州市", "省级教学名师:2019"]], sheet_name="人员")
    return xlsx_response(workbook, "人员导入模板.xlsx")


@login_required
@require_POST
def import_confirm(request):
    _require(request, "person.manage")
    pending = request.session.get(IMPORT_SESSION_KEY) or {}
    if not pending or pending.get("token") != request.POST.get("token"):
        messages.error(request, _("The checked file is no longer available; upload it again."))
        return redirect("people:import")
    try:
        created = services.persons_import(by=request.user, organization=request.user.organization,
                                          rows=pending["rows"], filename=pending.get("file", ""))
    except services.ImportRejected as rejected:
        messages.error(request, _("Nothing was imported: some rows have errors."))
        return _import_preview(request, rejected.results, token=pending["token"], filename=pending.get("file", ""),
                               status=400)
    del request.session[IMPORT_SESSION_KEY]
    messages.success(request, _("%(count)d person records were imported.") % {"count": len(created)})
    return redirect("people:duplicates")


# --- duplicates and merge -------------------------------------------------------------------------

@login_required
@require_GET
def duplicates(request):
    _require(request, "person.manage")
    merges = PersonMerge.objects.restrict(request.user, "person.manage").select_related("kept", "absorbed")[:50]
    labels = importers.REASON_LABELS
    pairs = [{**p, "reason_text": "、".join(labels[r] for r in p["reasons"])}
             for p in selectors.duplicate_pairs(request.user)]
    return render(request, "people/duplicates.html", {"pairs": pairs, "merges": merges})


MERGE_ROWS = [("name", "masked_name"), ("gender", "get_gender_display"), ("birth_date", "birth_date"),
              ("id_number", "masked_id_number"), ("phone", "masked_phone"), ("email", "masked_email"),
              ("title", "title"), ("disciplines", "discipline_labels"), ("industries", "industry_labels"),
              ("region_code", "region_name"), ("city", "city")]


@login_required
@require_http_methods(["GET", "POST"])
def merge(request):
    _require(request, "person.manage")
    try:
        a_pk, b_pk = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        return redirect("people:duplicates")
    kept = _get_person(request, a_pk, "person.manage")
    absorbed = _get_person(request, b_pk, "person.manage")
    if request.method == "POST":
        choose = {field: request.POST.get(field) for field in services.MERGE_FIELDS
                  if request.POST.get(field) == "absorbed"}
        try:
            done = services.person_merge(by=request.user, kept=kept, absorbed=absorbed, choose=choose)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(absorbed)s was merged into %(kept)s. The merge can be undone.") % {
                "absorbed": absorbed.name, "kept": kept.name})
            return redirect(reverse("people:detail", args=[done.kept_id]))
    rows = []
    for field, attr in MERGE_ROWS:
        values = []
        for person in (kept, absorbed):
            value = person.name if attr == "masked_name" else getattr(person, attr)
            value = value() if callable(value) else value
            values.append("、".join(value) if isinstance(value, list) else (value or ""))
        rows.append({"field": field, "label": services_label(field), "kept": values[0], "absorbed": values[1],
                     "differs": values[0] != values[1]})
    return render(request, "people/merge.html", {"kept": kept, "absorbed": absorbed, "rows": rows})


def services_label(field: str) -> str:
    from .models import Person as model

    if field == "id_number":
        return _("ID card number")
    return str(model._meta.get_field(field).verbose_name)


@login_required
@require_POST
def merge_undo(request, pk):
    _require(request, "person.manage")
    merge_row = access_object(PersonMerge, request.user, "person.manage", pk=pk)
    try:
        services.merge_undo(by=request.user, merge=merge_row)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The merge was undone: both records are as they were."))
    return redirect("people:duplicates")


# --- expert libraries -------------------------------------------------------------------------------

@login_required
@require_GET
def library_list(request):
    _require(request, "expert.view")
    from django.db.models import Count, Q

    libraries = selectors.libraries_for(request.user).annotate(
        active=Count("entries", filter=Q(entries__status="active")), total=Count("entries"))
    return render(request, "people/libraries.html", {"libraries": libraries})


@login_required
@require_GET
def library_detail(request, pk):
    library = _get_library(request, pk)
    form = EntryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = selectors.entries_for(request.user, library, **{k: v for k, v in data.items() if v})
    page = paginate(request, queryset, PAGE_SIZE)
    return render(request, "people/library.html", {
        "library": library, "form": form, "page_obj": page, "entries": page.object_list,
        "can": {"manage": request.user.has_code("expert.manage") and request.user.has_code("person.manage"),
                "unmask": request.user.has_code("pii.unmask")},
        "import_form": LibraryImportForm()})


@login_required
@require_GET
def library_export(request, pk):
    library = _get_library(request, pk)
    form = EntryFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    unmasked = request.GET.get("unmasked") == "1"
    if unmasked:
        _require(request, "pii.unmask")
    queryset = selectors.entries_for(request.user, library, **{k: v for k, v in data.items() if v})
    workbook = exchange.export_library(by=request.user, entries=queryset, unmasked=unmasked)
    return xlsx_response(workbook, f"{library.name}.xlsx")


@login_required
@require_POST
def library_import(request, pk):
    library = _get_library(request, pk, "expert.manage")
    _require(request, "person.manage")
    form = LibraryImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            sheets = exchange.read_library_file(form.cleaned_data["file"])
            count = exchange.import_library(by=request.user, organization=library.organization, sheets=sheets,
                                            filename=form.cleaned_data["file"].name)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(count)d experts were imported.") % {"count": count})
    else:
        messages.error(request, _("Choose a file."))
    return redirect("people:library", pk=library.pk)


@login_required
@require_POST
def entry_add(request, pk):
    person = _get_person(request, pk)
    _require(request, "expert.manage")
    form = EntryAddForm(request.POST, organizations=_library_choices(request.user))
    if form.is_valid():
        organization = access_object(Organization, request.user, "expert.manage", pk=form.cleaned_data["organization"])
        try:
            entry = services.entry_add(by=request.user, organization=organization, person=person)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(name)s was added to %(library)s.") % {
                "name": person.name, "library": entry.library.name})
            return redirect("people:entry", pk=entry.pk)
    else:
        messages.error(request, _("Choose an expert library."))
    return redirect("people:detail", pk=person.pk)


@login_required
@require_GET
def entry_detail(request, pk):
    entry = _get_entry(request, pk)
    can = request.user.has_code("expert.manage")
    return render(request, "people/entry.html", {
        "entry": entry, "person": entry.person, "works": entry.works.prefetch_related("coauthor_persons"),
        "reviews": entry.reviews.all(),
        "entry_form": EntryForm(initial={f: ";".join(getattr(entry, f)) for f in services.ENTRY_FIELDS}),
        "status_form": StatusForm(initial={"status": entry.status, "reason": entry.status_reason}),
        "works_form": WorksImportForm(), "review_form": ReviewForm(initial={"date": timezone.localdate()}),
        "can": {"manage": can}})


@login_required
@require_POST
def entry_edit(request, pk):
    entry = _get_entry(request, pk, "expert.manage")
    form = EntryForm(request.POST)
    if form.is_valid():
        services.entry_update(by=request.user, entry=entry, data=form.cleaned_data)
        messages.success(request, _("The expert entry was saved."))
    return redirect("people:entry", pk=entry.pk)


@login_required
@require_POST
def entry_status(request, pk):
    entry = _get_entry(request, pk, "expert.manage")
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.entry_set_status(by=request.user, entry=entry, status=form.cleaned_data["status"],
                                      reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The status was changed."))
    return redirect("people:entry", pk=entry.pk)


@login_required
@require_POST
def works_import(request, pk):
    entry = _get_entry(request, pk, "expert.manage")
    form = WorksImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            ext = upload.name.lower().rsplit(".", 1)[-1]
            if ext not in ("bib", "ris", "csv"):
                raise ValidationError(_("A list of works is a .bib, .ris or .csv file."))
            if upload.size > 5 * 1024 * 1024:
                raise ValidationError(_("The file is larger than 5 MB."))
            if ext == "csv":
                check_upload(upload, allowed={"csv"})
            text = decode_text(upload.read())
            works = parse_works(upload.name, text)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except WorksError as error:
            messages.error(request, _("The file could not be read: %(reason)s") % {"reason": str(error)})
        else:
            created = services.works_add(by=request.user, entry=entry, works=works, source=upload.name)
            messages.success(request, _("%(count)d works were added.") % {"count": len(created)})
    else:
        messages.error(request, _("Choose a file."))
    return redirect("people:entry", pk=entry.pk)


@login_required
@require_POST
def review_add(request, pk):
    entry = _get_entry(request, pk, "expert.manage")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_add(by=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The review was recorded."))
    else:
        messages.error(request, _("Give the date, the service and a rating from 1 to 5."))
    return redirect("people:entry", pk=entry.pk)
