"""Survey pages: the stations (list, record, page with its reports), the rounds (list, launch,
page with completion per station and per level, participating stations, reminders, the export of
responses), a station's codes in a round (generate, record who received them, export for the
investigator), and the public pages where a respondent answers with a code, without an account.
Every change goes through the services; the pages only collect input and show the refusals."""

import openpyxl
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie import questionnaire
from kexie.accounts.scope import require_page_code as _require
from kexie.core.excel import xlsx_response
from kexie.core.forms import apply_service_errors, form_page, form_step
from kexie.core.paging import paginate
from kexie.core.ratelimit import rate_limited
from kexie.organizations.models import Organization
from kexie.organizations.selectors import rollup_root

from . import selectors, services
from .forms import (
    AnswerForm, CodeForm, GenerateForm, HandOutForm, ParticipationForm, RemindForm, ReportForm, RoundForm, StationForm,
    StatusForm, field_name, investigator_choices,
)
from .models import ResponseCode, RoundStatus, StationKind

VIEW = selectors.VIEW
MANAGE = selectors.MANAGE


# --- stations ----------------------------------------------------------------------------------------

@login_required
@require_GET
def station_list(request):
    _require(request, VIEW)
    stations = selectors.stations_for(request.user)
    kind = request.GET.get("kind", "")
    if kind in StationKind.values:
        stations = stations.filter(kind=kind)
    page = paginate(request, stations, 50)
    return render(request, "surveys/list.html", {
        "page_obj": page, "total": page.paginator.count, "kinds": StationKind.choices, "kind": kind,
        "may_manage": request.user.has_code(MANAGE)})


def _station_of(request, pk, action=VIEW):
    station = selectors.stations_for(request.user, action).filter(pk=pk).first()
    if station is None:
        raise Http404
    return station


def _station_form(request, *, editing=False, initial=None):
    return StationForm(request.POST or None, organizations=Organization.objects.restrict(request.user, MANAGE),
                       persons=investigator_choices(request.user), editing=editing, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def station_create(request):
    _require(request, MANAGE)
    form = _station_form(request, initial={"organization": request.user.organization_id, "active": True})

    def run(data):
        data = dict(data)
        return services.station_create(by=request.user, organization=data.pop("organization"), data=data)

    return form_page(request, "surveys/station_form.html", {"form": form}, form, run,
                     lambda s: _("The survey station “%(name)s” was registered.") % {"name": s.name},
                     done=lambda s: redirect("surveys:detail", pk=s.pk))


@login_required
@require_http_methods(["GET", "POST"])
def station_edit(request, pk):
    _require(request, MANAGE)
    station = _station_of(request, pk, MANAGE)
    initial = {name: getattr(station, name) for name in services.STATION_FIELDS}
    initial["investigators"] = list(station.investigators.all())
    form = _station_form(request, editing=True, initial=initial)
    context = {"form": form, "station": station}
    return form_page(request, "surveys/station_form.html", context, form,
                     lambda d: services.station_update(by=request.user, station=station, data=d),
                     _("The survey station was saved."), done=lambda s: redirect("surveys:detail", pk=s.pk))


def _station_page(request, station, status=200, report_form=None):
    may_manage = request.user.has_code(MANAGE) and \
        selectors.stations_for(request.user, MANAGE).filter(pk=station.pk).exists()
    participations = station.participations.select_related("round").order_by("-round__year", "-round__pk")
    counts = {}
    for row in participations:
        counts[row.pk] = selectors.counts_by_station(row.round, [station.pk]).get(station.pk, 0)
    return render(request, "surveys/detail.html", {
        "station": station, "may_manage": may_manage,
        "investigators": station.investigators.select_related("organization").order_by("name"),
        "participations": [(row, counts[row.pk], selectors._percent(counts[row.pk], row.quota))
                           for row in participations],
        "reports": station.reports.select_related("submitted_by"),
        "report_form": report_form or (ReportForm() if may_manage else None)}, status=status)


@login_required
@require_GET
def station_detail(request, pk):
    _require(request, VIEW)
    return _station_page(request, _station_of(request, pk))


@login_required
@require_POST
def station_report(request, pk):
    _require(request, MANAGE)
    station = _station_of(request, pk, MANAGE)
    form = ReportForm(request.POST)
    return form_step(request, form, lambda d: services.report_file(by=request.user, station=station, data=d),
                     _("The station's report was filed."), done=lambda _r: redirect("surveys:detail", pk=station.pk),
                     again=lambda: _station_page(request, station, status=400, report_form=form))


# --- rounds ------------------------------------------------------------------------------------------

@login_required
@require_GET
def round_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.rounds_for(request.user), 50)
    return render(request, "surveys/rounds.html", {"page_obj": page, "may_manage": request.user.has_code(MANAGE)})


def _round_of(request, pk, action=VIEW):
    survey_round = selectors.rounds_for(request.user, action).filter(pk=pk).first()
    if survey_round is None:
        raise Http404
    return survey_round


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    _require(request, MANAGE)
    form = RoundForm(request.POST or None, organizations=Organization.objects.restrict(request.user, MANAGE),
                     initial={"organization": request.user.organization_id, "year": timezone.localdate().year})

    def run(data):
        data = dict(data)
        return services.round_create(by=request.user, organization=data.pop("organization"), data=data)

    return form_page(request, "surveys/round_form.html", {"form": form}, form, run,
                     lambda r: _("The survey round “%(title)s” was created.") % {"title": r.title},
                     done=lambda r: redirect("surveys:round_detail", pk=r.pk))


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    _require(request, MANAGE)
    survey_round = _round_of(request, pk, MANAGE)
    initial = {name: getattr(survey_round, name) for name in services.ROUND_FIELDS}
    form = RoundForm(request.POST or None, organizations=None, editing=True, initial=initial)
    context = {"form": form, "round": survey_round}
    return form_page(request, "surveys/round_form.html", context, form,
                     lambda d: services.round_update(by=request.user, survey_round=survey_round, data=d),
                     _("The survey round was saved."), done=lambda r: redirect("surveys:round_detail", pk=r.pk))



def _round_page(request, survey_round, status=200, **forms):
    user = request.user
    may_manage = user.has_code(MANAGE) and selectors.rounds_for(user, MANAGE).filter(pk=survey_round.pk).exists()
    participations = selectors.participations_for(user, survey_round)
    rows = selectors.completion(survey_round, participations)
    root = rollup_root(user, VIEW)
    asked = request.GET.get("org", "")
    if asked.isdigit():  # drilling down the tree: an organisation of the user's scope
        root = Organization.objects.restrict(user, VIEW).filter(pk=int(asked)).first() or root
    children, own, total = selectors.rollup_by_child(survey_round, root, participations) if root else ([], None, None)
    context = {"round": survey_round, "rows": rows, "summary": selectors.summary(rows), "root": root,
               "children": children, "own": own, "total": total, "may_manage": may_manage,
               "may_remind": user.has_code(MANAGE) and survey_round.status == RoundStatus.OPEN,
               "questions": [{**q, "kind_label": QUESTION_KINDS.get(q.get("kind"), q.get("kind"))}
                             for q in survey_round.definition.get("questions", [])]}
    context.update(forms)
    if may_manage:
        context.setdefault("status_form", StatusForm())
        if survey_round.status != RoundStatus.CLOSED:
            context.setdefault("station_form", ParticipationForm(
                stations=selectors.stations_for(user, MANAGE).filter(active=True)))
    if context["may_remind"]:
        context.setdefault("remind_form", RemindForm())
    return render(request, "surveys/round_detail.html", context, status=status)


@login_required
@require_GET
def round_detail(request, pk):
    _require(request, VIEW)
    return _round_page(request, _round_of(request, pk))


def _round_step(request, survey_round, name, form, run, success):
    return form_step(request, form, run, success, done=lambda _r: redirect("surveys:round_detail", pk=survey_round.pk),
                     again=lambda: _round_page(request, survey_round, status=400, **{name: form}))


@login_required
@require_POST
def round_status(request, pk):
    _require(request, MANAGE)
    survey_round = _round_of(request, pk, MANAGE)
    def run(data):
        return services.round_set_status(by=request.user, survey_round=survey_round, status=data["status"])

    return _round_step(request, survey_round, "status_form", StatusForm(request.POST), run,
                       _("The round's status was changed."))


@login_required
@require_POST
def round_station(request, pk):
    _require(request, MANAGE)
    survey_round = _round_of(request, pk, MANAGE)
    form = ParticipationForm(request.POST, stations=selectors.stations_for(request.user, MANAGE).filter(active=True))
    return _round_step(request, survey_round, "station_form", form, lambda d: services.round_set_station(
        by=request.user, survey_round=survey_round, station=d["station"], quota=d["quota"]),
        _("The station takes part in the round with its quota."))


@login_required
@require_POST
def round_remind(request, pk):
    _require(request, MANAGE)
    survey_round = _round_of(request, pk)
    def run(data):
        return services.reminders_send(by=request.user, survey_round=survey_round, below_percent=data["below_percent"])

    return _round_step(request, survey_round, "remind_form", RemindForm(request.POST), run,
                       lambda n: _("The investigators of %(n)s stations were reminded.") % {"n": n})


EXPORT_HEADER = ["站点", "站点类型", "地区代码", "所属组织", "填答日期"]


# The kinds of question as the round's page names them.
QUESTION_KINDS = {"single": pgettext_lazy("question kind", "single choice"),
                  "multiple": pgettext_lazy("question kind", "multiple choice"),
                  "scale": pgettext_lazy("question kind", "scale"), "text": pgettext_lazy("question kind", "text")}


def export_header(definition: dict) -> list[str]:
    """The responses export's header: the station columns, then one column per question (its key
    and text). Never a code, a name or an account."""
    return EXPORT_HEADER + [f"{q['key']} {q['text']}" for q in definition.get("questions", ())]


@login_required
@require_GET
def round_export(request, pk):
    _require(request, VIEW)
    survey_round = _round_of(request, pk)
    questions = survey_round.definition.get("questions", [])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "调查数据"
    sheet.append(export_header(survey_round.definition))
    responses = selectors.responses_for(request.user, survey_round).order_by("station__name", "station_id", "pk")
    for response in responses.iterator(chunk_size=2000):
        station = response.station
        sheet.append([station.name, station.get_kind_display(), station.region_code, station.organization.name,
                      timezone.localdate(response.submitted_at)] +
                     [questionnaire.format_answer(q, response.answers.get(q["key"])) for q in questions])
    return xlsx_response(book, f"{survey_round.title}-调查数据.xlsx")


# --- a station's codes in a round --------------------------------------------------------------------

def _participation_of(request, pk, action=VIEW):
    from .models import RoundStation

    row = RoundStation.objects.restrict(request.user, action).select_related("round", "station").filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def _participation_page(request, participation, status=200, **forms):
    user = request.user
    may_manage = user.has_code(MANAGE) and _may(user, participation)
    codes = participation.codes.select_related("handed_by").order_by("pk")
    page = paginate(request, codes, 100)
    done = selectors.counts_by_station(participation.round, [participation.station_id]).get(participation.station_id, 0)
    context = {"participation": participation, "round": participation.round, "station": participation.station,
               "page_obj": page, "responses": done, "percent": selectors._percent(done, participation.quota),
               "unused": codes.filter(used_at__isnull=True).count(), "may_manage": may_manage}
    context.update(forms)
    if may_manage and participation.round.status != RoundStatus.CLOSED:
        context.setdefault("generate_form", GenerateForm())
    if may_manage:
        context.setdefault("hand_form", HandOutForm())
    return render(request, "surveys/participation.html", context, status=status)


def _may(user, participation) -> bool:
    from .models import RoundStation

    return RoundStation.objects.restrict(user, MANAGE).filter(pk=participation.pk).exists()


@login_required
@require_GET
def participation_detail(request, pk):
    _require(request, VIEW)
    return _participation_page(request, _participation_of(request, pk))


@login_required
@require_POST
def codes_generate(request, pk):
    _require(request, MANAGE)
    participation = _participation_of(request, pk, MANAGE)
    return form_step(request, GenerateForm(request.POST), lambda d: services.codes_generate(
        by=request.user, participation=participation, count=d["count"]),
        lambda rows: _("%(n)s response codes were generated.") % {"n": len(rows)},
        done=lambda _r: redirect("surveys:participation", pk=participation.pk),
        again=lambda: _participation_page(request, participation, status=400, generate_form=GenerateForm(request.POST)))


@login_required
@require_POST
def code_hand_out(request, pk):
    _require(request, MANAGE)
    participation = _participation_of(request, pk, MANAGE)
    form = HandOutForm(request.POST)

    def run(data):
        code = ResponseCode.objects.filter(participation=participation, pk=data["code"]).first()
        if code is None:
            raise ValidationError({"handed_to": _("Choose a code of this station.")})
        return services.code_hand_out(by=request.user, code=code, handed_to=data["handed_to"])

    return form_step(request, form, run, _("Recorded to whom the code was handed."),
                     done=lambda _r: redirect("surveys:participation", pk=participation.pk),
                     again=lambda: _participation_page(request, participation, status=400, hand_form=form))


@login_required
@require_GET
def codes_export(request, pk):
    _require(request, MANAGE)
    return _codes_workbook(request, _participation_of(request, pk, MANAGE))


def _codes_workbook(request, participation):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "填答码"
    sheet.append(["填答码", "调查", "站点", "发放对象", "发放时间", "是否已使用"])
    answer_url = request.build_absolute_uri(_answer_path())
    for code in participation.codes.order_by("pk"):
        sheet.append([code.code, participation.round.title, participation.station.name, code.handed_to,
                      timezone.localtime(code.handed_at).replace(tzinfo=None) if code.handed_at else "",
                      "是" if code.used_at else "否"])
    sheet.append([])
    sheet.append(["填答网址", answer_url])
    return xlsx_response(book, f"{participation.station.name}-填答码.xlsx")


def _answer_path():
    from django.urls import reverse

    return reverse("surveys:answer")


# --- an investigator's own stations (any signed-in account linked to a person record) -------------------

def _my_participation(request, pk):
    from kexie.accounts.home import person_of

    row = selectors.participations_of_investigator(person_of(request.user)).filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


@login_required
@require_GET
def my_stations(request):
    """The investigator's stations in the current rounds: completion and the codes not yet used."""
    from kexie.accounts.home import person_of

    rows = []
    for participation in selectors.participations_of_investigator(person_of(request.user)):
        done = selectors.counts_by_station(participation.round, [participation.station_id]).get(
            participation.station_id, 0)
        rows.append({"participation": participation, "responses": done,
                     "percent": selectors._percent(done, participation.quota),
                     "unused": participation.codes.filter(used_at__isnull=True).order_by("pk")})
    return render(request, "surveys/mine.html", {"rows": rows})


@login_required
@require_GET
def my_codes_export(request, pk):
    """The codes of one of the investigator's stations, to hand out (the same sheet as the clerk's)."""
    return _codes_workbook(request, _my_participation(request, pk))


# --- the public answering pages ----------------------------------------------------------------------

def _code_account(request) -> str:
    code = services.normalise_code(request.POST.get("code", ""))
    return f"survey-code:{code}" if code else ""


def _code_page(request, form, status=200):
    return render(request, "surveys/answer_code.html", {"form": form}, status=status)


def _questions_page(request, form, code, status=200):
    definition = code.participation.round.definition
    answers = form.answers() if form.is_bound and hasattr(form, "cleaned_data") else {}
    visible = {q["key"] for q in questionnaire.visible_questions(definition, answers)}
    fields = [(form[field_name(q["key"])], q["key"] in visible, q) for q in definition.get("questions", ())]
    return render(request, "surveys/answer_form.html", {
        "form": form, "fields": fields, "round": code.participation.round, "station": code.participation.station,
        "rules": form.rules()}, status=status)


@require_http_methods(["GET", "POST"])
@rate_limited("survey_answer", account=_code_account)
def answer(request):
    """A respondent's page: the code first, then the questionnaire (the code travels with the
    answers; nothing is kept in a session)."""
    if request.method == "GET":
        return _code_page(request, CodeForm())
    if request.POST.get("step") != "answers":
        form = CodeForm(request.POST)
        if not form.is_valid():
            return _code_page(request, form, status=400)
        try:
            code = services.code_check(form.cleaned_data["code"])
        except ValidationError as error:
            apply_service_errors(form, error)
            return _code_page(request, form, status=400)
        definition = code.participation.round.definition
        return _questions_page(request, AnswerForm(definition=definition, initial={"code": code.code}), code)
    try:
        code = services.code_check(request.POST.get("code", ""))
    except ValidationError as error:
        form = CodeForm({"code": request.POST.get("code", "")})
        form.is_valid()
        apply_service_errors(form, error)
        return _code_page(request, form, status=400)
    form = AnswerForm(request.POST, definition=code.participation.round.definition)
    if form.is_valid():
        try:
            services.response_submit(code=code.code, answers=form.answers())
        except ValidationError as error:
            if "code" in error.message_dict:
                code_form = CodeForm({"code": code.code})
                code_form.is_valid()
                apply_service_errors(code_form, error)
                return _code_page(request, code_form, status=400)
            for key, messages_ in error.message_dict.items():
                name = field_name(key) if field_name(key) in form.fields else None
                for message in messages_:
                    form.add_error(name, message)
        else:
            return redirect("surveys:answer_done")
    return _questions_page(request, form, code, status=400)


@require_GET
def answer_done(request):
    return render(request, "surveys/answer_done.html")
