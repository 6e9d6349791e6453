"""Review round pages: the list of rounds in the user's scope and one round's workspace — items,
panel (sealed names hidden), conflicts with their reasons, assignments, scores, ranking,
objections — with, for holders of ``expert.manage`` in the round's organisation, a form for each
step the round's status allows.

Every view checks the permission code first (403 without it) and fetches the round through the
data scope (404 outside it). The services do the writing; a refusal comes back on the workspace
next to the form that asked (status 400), a success redirects with a message.
"""

import math
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie.accounts.scope import access_object
from kexie.accounts.scope import require_page_code as _require
from kexie.audit.services import audit_record
from kexie.core.excel import add_sheet, write_workbook, xlsx_response
from kexie.core.paging import paginate
from kexie.core.forms import apply_service_errors, form_step
from kexie.organizations.models import Organization
from kexie.people.selectors import libraries_for

from . import selectors, services
from .forms import (
    ActionForm,
    AssignAddForm,
    DecideForm,
    DrawForm,
    HandleForm,
    ItemForm,
    MatchForm,
    NoticeForm,
    ObjectionForm,
    RespondForm,
    RoundForm,
    ScoreForm,
    SeatAddForm,
)
from .matching import match_experts
from .models import ItemScore, Objection, ReviewRound, RoundStatus, SeatState

VIEW = "expert.view"
MANAGE = "expert.manage"
BEFORE_SCORING = (RoundStatus.DRAFT, RoundStatus.DRAWING, RoundStatus.REVIEWING)


@login_required
@require_GET
def round_list(request):
    _require(request, VIEW)
    page = paginate(request, selectors.rounds_for(request.user, VIEW), 50)
    return render(request, "panels/list.html", {"page_obj": page, "rounds": page.object_list,
                                                "can_create": request.user.has_code(MANAGE)})


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    """A standalone review round (an award call creates its own round and items)."""
    _require(request, MANAGE)
    form = RoundForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            organization = access_object(Organization, request.user, MANAGE, pk=request.user.organization_id)
        except Http404:
            form.add_error(None, _("Your organisation is not one you may keep review rounds for."))
        else:
            try:
                round = services.round_create(by=request.user, organization=organization, data=form.service_data(),
                                              library=form.cleaned_data["library"])
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("Review round “%(round)s” was created.") % {"round": round.title})
                return redirect("panels:detail", pk=round.pk)
    return render(request, "panels/create.html", {"form": form}, status=400 if form.errors else 200)


def _award_call(round: ReviewRound):
    """The award call the round belongs to, or None for a standalone round."""
    try:
        return round.award_call
    except (AttributeError, ObjectDoesNotExist):
        return None


def _may_manage(user, round: ReviewRound) -> bool:
    return user.has_code(MANAGE) and ReviewRound.objects.restrict(user, MANAGE).filter(pk=round.pk).exists()


def _forms(round: ReviewRound, user) -> dict:
    """Unbound forms of every step (the page shows those the status allows)."""
    top = selectors.ranking(round)
    approve = [r.item for r in top if r.rank <= max(1, math.ceil(len(top) / 2))]
    upheld = set(Objection.objects.filter(item__round=round, upheld=True).values_list("item_id", flat=True))
    return {
        "items": ItemForm(prefix="item"), "conflicts": ActionForm(prefix="conflicts"),
        "draw": DrawForm(prefix="draw"), "draw_open": ActionForm(prefix="open"),
        "draw_verify": ActionForm(prefix="verify"), "seat_add": SeatAddForm(prefix="seat", round=round),
        "invite": ActionForm(prefix="invite"), "respond": ActionForm(prefix="respond"),
        "assign": ActionForm(prefix="assign"), "assign_add": AssignAddForm(prefix="pair", round=round),
        "score": ScoreForm(prefix="score", round=round), "close": ActionForm(prefix="close"),
        "notice": NoticeForm(prefix="notice"), "objection": ObjectionForm(prefix="objection", round=round),
        "handle": ActionForm(prefix="handle"),
        "decide": DecideForm(prefix="decide", round=round,
                             initial={"approved": [pk for pk in approve if pk not in upheld]}),
    }


def _workspace(request, round: ReviewRound, *, bound: dict | None = None, status: int = 200):
    """The round page; ``bound`` holds the form that was just sent back with its errors."""
    manage = _may_manage(request.user, round)
    draw = round.draws.order_by("-pk").first()
    panel = selectors.panel(round)
    seated = {s["entry"] for s in panel if s["active"] and not s["sealed"]}
    conflicts = [{"row": c, "on_panel": c.entry_id in seated} for c in selectors.conflicts(round)]
    objections = list(Objection.objects.filter(item__round=round).select_related("item"))
    context = {
        "round": round, "award_call": _award_call(round), "manage": manage, "draw": draw,
        "items": round.items.select_related("organization").prefetch_related("persons"),
        "panel": panel, "conflicts": conflicts, "work": selectors.assignments(round), "seated": bool(seated),
        # Once experts sit on the panel, theirs are the conflicts that matter; the rest of the
        # library's are folded away.
        "conflicts_panel": [c for c in conflicts if c["on_panel"]],
        "conflicts_library": [c for c in conflicts if not c["on_panel"]],
        "ranking": selectors.ranking(round) if selectors.is_ranked(round) else [],
        "ranked": selectors.is_ranked(round), "objections": objections, "criteria": round.form,
        "uninvited": any(s["state_code"] == SeatState.INVITED and not s["invited"] for s in panel),
        "has_scores": ItemScore.objects.filter(item__round=round).exists(),
        "before_scoring": round.status in BEFORE_SCORING,
    }
    # The refusal is also said at the top: the page comes back scrolled to its beginning.
    refused = next(iter((bound or {}).values()), None)
    context["refused"] = refused
    context["refused_fields"] = bool(refused is not None and any(k != "__all__" for k in refused.errors))
    if manage:
        forms = _forms(round, request.user) | (bound or {})
        handled = (bound or {}).get("handle_form")
        context["forms"] = forms
        context["handle_forms"] = [
            (o, handled if handled is not None and str(handled.data.get("objection")) == str(o.pk)
             else HandleForm(round=round, initial={"objection": o.pk}, auto_id=f"id_handle{o.pk}_%s"))
            for o in objections if o.handled_at is None]
        context["open_objections"] = bool(context["handle_forms"])
    return render(request, "panels/detail.html", context, status=status)


@login_required
@require_GET
def round_detail(request, pk):
    _require(request, VIEW)
    round = access_object(ReviewRound.objects.select_related("organization", "library"), request.user, VIEW, pk=pk)
    return _workspace(request, round)


def _managed(request, pk) -> ReviewRound:
    _require(request, MANAGE)
    return access_object(ReviewRound.objects.select_related("organization", "library"), request.user, MANAGE, pk=pk)


def _act(request, round: ReviewRound, name: str, form, run, success, anchor: str):
    """Run one step: the form's input through ``run`` (the service call); a refusal goes back on
    the workspace next to the form ``name``, a success redirects to ``anchor`` with its message."""
    return form_step(request, form, lambda _data: run(form), success,
                     done=lambda _result: redirect(reverse("panels:detail", args=[round.pk]) + f"#{anchor}"),
                     again=lambda: _workspace(request, round, bound={name: form}, status=400),
                     # the score sheet names its fields after the criteria
                     errors=getattr(form, "apply_errors", None))


@login_required
@require_POST
def items_add(request, pk):
    round = _managed(request, pk)
    form = ItemForm(request.POST, prefix="item")
    if _award_call(round) is not None:
        form.is_valid()
        form.add_error(None, _("The items of an award call's round are its nominations."))
        return _workspace(request, round, bound={"items": form}, status=400)
    return _act(request, round, "items", form,
                lambda f: services.items_add(by=request.user, round=round, items=[f.item()]),
                lambda items: _("“%(title)s” was added.") % {"title": items[0].title}, "items")


@login_required
@require_POST
def conflicts_compute(request, pk):
    round = _managed(request, pk)
    return _act(request, round, "conflicts", ActionForm(request.POST, prefix="conflicts"),
                lambda f: services.conflicts_compute(by=request.user, round=round),
                lambda rows: _("Conflicts of interest checked: %(n)s found.") % {"n": len(rows)}, "conflicts")


@login_required
@require_POST
def draw_run(request, pk):
    round = _managed(request, pk)
    return _act(request, round, "draw", DrawForm(request.POST, prefix="draw"),
                lambda f: services.draw_run(by=request.user, round=round, conditions=f.cleaned_data["conditions"],
                                            seed=f.cleaned_data["seed"], alternates=f.cleaned_data["alternates"]),
                _draw_message, "draw")


def _draw_message(record) -> str:
    from kexie.experts_engine.draw import Draw

    shortages = Draw.from_dict(record.result).shortages()
    message = _("The panel was drawn and sealed; open the draw to see the names.")
    return f"{message}{'；'.join(shortages)}" if shortages else message


@login_required
@require_POST
def draw_open(request, pk):
    round = _managed(request, pk)
    return _act(request, round, "draw_open", ActionForm(request.POST, prefix="open"),
                lambda f: services.draw_open(by=request.user, round=round),
                _("The draw was opened: the panel's names and the seed are visible."), "panel")


@login_required
@require_POST
def draw_verify(request, pk):
    round = _managed(request, pk)
    form = ActionForm(request.POST, prefix="verify")
    try:
        same, _again = services.draw_verify(by=request.user, round=round)
    except ValidationError as error:
        apply_service_errors(form, error)
        return _workspace(request, round, bound={"draw_verify": form}, status=400)
    if same:
        messages.success(request, _("Verified: drawing again from the stored seed gives the same pool and panel."))
    else:
        messages.error(request, _("Drawing again from the stored seed gives a different pool or panel: the library "
                                  "or the conflicts have changed since the draw."))
    return redirect(reverse("panels:detail", args=[round.pk]) + "#draw")


@login_required
@require_POST
def seat_add(request, pk):
    round = _managed(request, pk)
    return _act(request, round, "seat_add", SeatAddForm(request.POST, prefix="seat", round=round),
                lambda f: services.seat_add(by=request.user, round=round, entry=f.cleaned_data["entry"]),
                lambda seat: _("%(name)s was put on the panel.") % {"name": seat.entry.person.name}, "panel")


@login_required
@require_POST
def seats_invite(request, pk):
    round = _managed(request, pk)
    return _act(request, round, "invite", ActionForm(request.POST, prefix="invite"),
                lambda f: services.seats_invite(by=request.user, round=round),
                lambda n: _("%(n)s experts were invited.") % {"n": n}, "panel")


@login_required
@require_POST
def seat_respond(request, pk):
    """Record an expert's answer on their behalf (a telephone call, a letter)."""
    round = _managed(request, pk)
    form = RespondForm(request.POST, round=round)
    if not form.is_valid():
        refused = ActionForm(data={})
        refused.add_error(None, _("Choose an invited or confirmed expert of the panel and their answer."))
        return _workspace(request, round, bound={"respond": refused}, status=400)
    seat, accept = form.cleaned_data["seat"], form.cleaned_data["answer"] == "accept"
    try:
        alternate = services.seat_respond(by=request.user, seat=seat, accept=accept)
    except ValidationError as error:
        refused = ActionForm(data={})
        apply_service_errors(refused, error)
        return _workspace(request, round, bound={"respond": refused}, status=400)
    name = seat.entry.person.name
    if accept:
        messages.success(request, _("%(name)s accepted.") % {"name": name})
    elif alternate is not None:
        messages.success(request, _("%(name)s declined; alternate %(alternate)s was called in and invited.")
                         % {"name": name, "alternate": alternate.entry.person.name})
    else:
        messages.success(request, _("%(name)s declined; no alternate was called in.") % {"name": name})
    return redirect(reverse("panels:detail", args=[round.pk]) + "#panel")


@login_required
@require_POST
def assignment_run(request, pk):
    round = _managed(request, pk)
    return _act(request, round, "assign", ActionForm(request.POST, prefix="assign"),
                lambda f: services.assignment_run(by=request.user, round=round),
                lambda s: _("Assigned: %(pairs)s pairs; load spread %(spread)s.") % s, "assignments")


@login_required
@require_POST
def assignment_add(request, pk):
    round = _managed(request, pk)
    return _act(request, round, "assign_add", AssignAddForm(request.POST, prefix="pair", round=round),
                lambda f: services.assignment_add(by=request.user, item=f.cleaned_data["item"],
                                                  seat=f.cleaned_data["seat"]),
                lambda a: _("%(name)s was assigned “%(item)s”.") % {"name": a.seat.entry.person.name,
                                                                      "item": a.item.title}, "assignments")


@login_required
@require_POST
def score_enter(request, pk):
    """Type in an expert's paper score sheet."""
    round = _managed(request, pk)

    def run(f):
        sheet = f.cleaned_data["sheet"]
        return services.score_submit(by=request.user, item=sheet.item, entry=sheet.seat.entry, values=f.values(),
                                     comment=f.cleaned_data["comment"])
    return _act(request, round, "score", ScoreForm(request.POST, prefix="score", round=round), run,
                lambda row: _("The score sheet was saved: total %(total)s.") % {"total": row.total}, "scores")


@login_required
@require_POST
def scoring_close(request, pk):
    round = _managed(request, pk)
    return _act(request, round, "close", ActionForm(request.POST, prefix="close"),
                lambda f: services.scoring_close(by=request.user, round=round),
                _("Scoring was closed; the ranking is final."), "ranking")


def _call_step_refused(request, round, name, form):
    form.is_valid()
    form.add_error(None, _("This round belongs to an award call: do this on the call's page."))
    return _workspace(request, round, bound={name: form}, status=400)


@login_required
@require_POST
def notice_publish(request, pk):
    round = _managed(request, pk)
    form = NoticeForm(request.POST, prefix="notice")
    if _award_call(round) is not None:
        return _call_step_refused(request, round, "notice", form)
    return _act(request, round, "notice", form,
                lambda f: services.notice_publish(by=request.user, round=round, start=f.cleaned_data["notice_start"],
                                                  end=f.cleaned_data["notice_end"]),
                _("The ranking was published for public notice."), "ranking")


@login_required
@require_POST
def objection_raise(request, pk):
    round = _managed(request, pk)
    return _act(request, round, "objection", ObjectionForm(request.POST, prefix="objection", round=round),
                lambda f: services.objection_raise(by=request.user, item=f.cleaned_data["item"],
                                                   text=f.cleaned_data["text"], name=f.cleaned_data["name"]),
                _("The objection was recorded."), "objections")


@login_required
@require_POST
def objection_handle(request, pk):
    round = _managed(request, pk)
    form = HandleForm(request.POST, round=round, auto_id=f"id_handle{request.POST.get('objection', '')}_%s")
    if not form.is_valid() and "objection" in form.errors:
        refused = ActionForm(data={})
        refused.add_error(None, _("This objection is not an open objection of this round."))
        return _workspace(request, round, bound={"handle": refused}, status=400)
    return _act(request, round, "handle_form", form,
                lambda f: services.objection_handle(by=request.user, objection=f.cleaned_data["objection"],
                                                    decision=f.cleaned_data["decision"],
                                                    upheld=f.cleaned_data["upheld"]),
                _("The handling of the objection was recorded."), "objections")


@login_required
@require_POST
def decisions_record(request, pk):
    round = _managed(request, pk)
    form = DecideForm(request.POST, prefix="decide", round=round)
    if _award_call(round) is not None:
        return _call_step_refused(request, round, "decide", form)
    return _act(request, round, "decide", form,
                lambda f: services.decisions_record(by=request.user, round=round,
                                                    approved=list(f.cleaned_data["approved"])),
                lambda rows: _("The final decision was recorded: %(n)s items approved.")
                % {"n": sum(1 for r in rows if r.outcome == "approved")}, "ranking")



# --- matching -------------------------------------------------------------------------------------

@login_required
@require_GET
def match(request):
    """Experts of a library ranked for a text, each with the reasons beside the score."""
    _require(request, VIEW)
    libraries = libraries_for(request.user)
    form = MatchForm(request.GET if "text" in request.GET else None, libraries=libraries,
                     initial={"library": request.GET.get("library")})
    matches = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        matches = match_experts(data["library"], data["text"], discipline=data["discipline"],
                                industry=data["industry"], region=data["region"].strip())
    return render(request, "panels/match.html", {"form": form, "matches": matches},
                  status=400 if form.is_bound and form.errors else 200)


# --- export ---------------------------------------------------------------------------------------

def _points(value):
    """A stored point value (text, exact) as a number for the spreadsheet."""
    return Decimal(value) if value not in (None, "") else ""


@login_required
@require_GET
def round_export(request, pk):
    """The round as an Excel workbook: the ranking (once scoring is closed; the page's selector),
    the scores sheet by sheet and the conflicts with their reasons."""
    _require(request, VIEW)
    round = access_object(ReviewRound.objects.select_related("organization"), request.user, VIEW, pk=pk)
    ranked = selectors.is_ranked(round)
    workbook = write_workbook(
        title=round.title, sheet_name=_("Ranking"),
        headers=[_("rank"), _("review item"), _("panel score"), _("Mean of the totals used"), _("Scores used")],
        rows=[[r.rank, r.title, r.score, r.mean, r.reviewers] for r in selectors.ranking(round)] if ranked else
        [["", _("The panel is still scoring; the ranking is shown once scoring is closed."), "", "", ""]])
    criteria = list(round.form)
    scores = (ItemScore.objects.filter(item__round=round).select_related("item", "entry__person")
              .order_by("item_id", "entry__person__name"))
    add_sheet(workbook, sheet_name=_("Scores"),
              headers=[_("review item"), _("expert"), *[c["name"] for c in criteria], _("total"), _("comment")],
              rows=[[s.item.title, s.entry.person.name, *[_points(s.values.get(c["code"])) for c in criteria],
                     s.total, s.comment] for s in scores])
    add_sheet(workbook, sheet_name=_("Conflicts of interest"),
              headers=[_("review item"), _("expert"), _("reason")],
              rows=[[c.item.title, c.entry.person.name, c.message] for c in selectors.conflicts(round)])
    audit_record(action="export", by=request.user, obj=round, detail="review round workbook")
    return xlsx_response(workbook, f"{round.title}.xlsx")
