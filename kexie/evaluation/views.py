"""Evaluation pages: rubrics and their editor, a society's evaluation with its breakdown, the
self-score and reviewer forms, and the leaderboard (学会创新工作排行榜) with its export.

Each view checks its permission code first (403 without it); rubrics, evaluations and scores come
through the user's data scope (404 outside it). Writes go through :mod:`.services`; a refused
write shows the service's message and saves nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kexie import rubric as rb
from kexie.accounts.scope import access_object
from kexie.core.downloads import file_download
from kexie.core.excel import add_sheet, write_workbook, xlsx_response
from kexie.core.paging import paginate
from kexie.core.forms import apply_service_errors
from kexie.accounts.scope import require_page_code as _require

from . import services
from .forms import (
    ReviewerForm,
    RubricForm,
    grades_text,
    parse_bands,
    parse_grades,
    rule_params,
    source_choices,
    source_label,
    tiers_text,
)
from .models import (
    Dimension,
    Evaluation,
    EvaluationStatus,
    Indicator,
    IndicatorScore,
    Leaderboard,
    ReviewAssignment,
    Rubric,
    Rule,
)
from .selectors import (
    assigned_to,
    breakdown_table,
    current_total,
    discipline_label,
    evaluations_for,
    evaluations_visible,
    grades_of,
    leaderboard_groups,
    leaderboards_for,
    may_review,
    next_grade,
    peer_group_label,
    review_progress,
    reviewer_workload,
    reviews_to_do,
)
from .templatetags.evaluation_tags import points

PAGE_SIZE = 50


def _show_errors(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _may(user, code: str, obj) -> bool:
    return user.has_code(code) and type(obj).objects.restrict(user, code).filter(pk=obj.pk).exists()


# --- the index -------------------------------------------------------------------------------------

@login_required
@require_GET
def index(request):
    """Rubrics, evaluations (a society's own for its secretary), published leaderboards."""
    _require(request, "society.view")
    user = request.user
    evaluations = evaluations_for(user)
    year = request.GET.get("year", "")
    if year.isdigit():
        evaluations = evaluations.filter(year=int(year))
    page = paginate(request, evaluations, PAGE_SIZE)
    rubrics = Rubric.objects.restrict(user, "society.view").select_related("organization")
    return render(request, "evaluation/index.html", {
        "rubrics": rubrics, "page": page, "year": year,
        "years": evaluations_for(user).order_by("-year").values_list("year", flat=True).distinct(),
        "leaderboards": leaderboards_for(user)[:20],
        "to_review": list(reviews_to_do(user)[:50]),
        "review_work": _review_work(user, rubrics) if user.has_code("evaluation.manage") else [],
        "can_manage": user.has_code("evaluation.manage"),
    })


def _review_work(user, rubrics) -> list[dict]:
    """The review progress of every frozen rubric the user manages whose year still has
    evaluations waiting for review (the clerk's view: who has what, not the scoring itself)."""
    work = []
    for rubric in rubrics.filter(status="frozen", pk__in=Rubric.objects.restrict(user, "evaluation.manage")
                                 .values("pk")):
        evaluations = Evaluation.objects.filter(rubric=rubric, year=rubric.year)
        progress = review_progress(evaluations)
        if progress["awaiting"]:
            work.append({"rubric": rubric, **progress})
    return work


# --- rubrics ---------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def rubric_create(request):
    """A new draft rubric of the user's association."""
    _require(request, "evaluation.manage")
    form = RubricForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rubric = services.rubric_create(
                by=request.user, organization=request.user.organization, name=data["name"], year=data["year"],
                grade_thresholds=parse_grades(data["grades"]), size_bands=parse_bands(data["bands"]))
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Rubric created: add its dimensions and indicators, then freeze it."))
            return redirect("evaluation:rubric", rubric.pk)
    return render(request, "evaluation/rubric_form.html", {"form": form})


def _rule_text(indicator: Indicator) -> str:
    params = indicator.params or {}
    if indicator.rule == Rule.TIERS:
        return _("Tiers %(tiers)s") % {"tiers": tiers_text(params)}
    if indicator.rule == Rule.CAPPED_COUNT:
        return _("%(per)s per unit, up to the maximum") % {"per": params.get("per_unit")}
    if indicator.rule == Rule.DEDUCTION:
        return _("Maximum minus %(per)s per unit, not below 0") % {"per": params.get("per_unit")}
    return indicator.get_rule_display()


@login_required
@require_GET
def rubric_detail(request, pk: int):
    """A rubric's dimensions and indicators; the editor while it is a draft; evaluating,
    finalising and publishing once it is frozen."""
    _require(request, "society.view")
    rubric = access_object(Rubric.objects.select_related("organization", "previous"), request.user, "society.view",
                           pk=pk)
    dimensions = list(rubric.dimensions.prefetch_related("indicators"))
    weights = sum((d.weight for d in dimensions), 0)
    for dimension in dimensions:
        dimension.rows = [{"indicator": i, "rule_text": _rule_text(i), "source": source_label(i.source),
                           "tiers": tiers_text(i.params), "per_unit": (i.params or {}).get("per_unit", "")}
                          for i in dimension.indicators.all()]
    years = (Evaluation.objects.filter(rubric=rubric).order_by("-year").values_list("year", flat=True).distinct())
    return render(request, "evaluation/rubric_detail.html", {
        "rubric": rubric, "dimensions": dimensions, "weights": weights, "weights_ok": weights == 100,
        "can_manage": _may(request.user, "evaluation.manage", rubric),
        "rules": Rule.choices, "sources": source_choices(), "grades": grades_text(rubric.grade_thresholds),
        "bands": ", ".join(str(b) for b in rubric.size_bands),
        "years": list(years), "leaderboards": rubric.leaderboards.all(),
        "bands_text": [rb.band_label(i, rubric.size_bands) for i in range(len(rubric.size_bands))],
    })


def _dimension(request, rubric: Rubric) -> Dimension:
    try:
        return rubric.dimensions.get(pk=int(request.POST.get("dimension", "")))
    except (ValueError, Dimension.DoesNotExist):
        raise Http404 from None


def _indicator(request, rubric: Rubric) -> Indicator:
    try:
        return rubric.indicators.get(pk=int(request.POST.get("indicator", "")))
    except (ValueError, Indicator.DoesNotExist):
        raise Http404 from None


def _indicator_data(request) -> dict:
    post = request.POST
    name, rule = post.get("name", ""), post.get("rule", "")
    return {"name": name, "rule": rule, "params": rule_params(post, rule, name.strip()),
            "max_points": post.get("max_points", ""), "source": post.get("source", ""),
            "evidence_required": post.get("evidence_required") == "on", "description": post.get("description", "")}


@login_required
@require_POST
def rubric_edit(request, pk: int):
    """One edit of a draft rubric, named by ``operation``: the rubric's own fields, or adding,
    changing or removing a dimension or an indicator."""
    _require(request, "evaluation.manage")
    rubric = access_object(Rubric, request.user, "evaluation.manage", pk=pk)
    operation, by, post = request.POST.get("operation", ""), request.user, request.POST
    try:
        if operation == "rubric":
            services.rubric_update(by=by, rubric=rubric, name=post.get("name", ""),
                                   grade_thresholds=parse_grades(post.get("grades", "")),
                                   size_bands=parse_bands(post.get("bands", "")))
        elif operation == "add_dimension":
            services.dimension_add(by=by, rubric=rubric, code=post.get("code", ""), name=post.get("name", ""),
                                   weight=post.get("weight", ""))
        elif operation == "edit_dimension":
            services.dimension_update(by=by, dimension=_dimension(request, rubric), name=post.get("name", ""),
                                      weight=post.get("weight", ""))
        elif operation == "delete_dimension":
            services.dimension_delete(by=by, dimension=_dimension(request, rubric))
        elif operation == "add_indicator":
            services.indicator_add(by=by, dimension=_dimension(request, rubric), code=post.get("code", ""),
                                   **_indicator_data(request))
        elif operation == "edit_indicator":
            services.indicator_update(by=by, indicator=_indicator(request, rubric), **_indicator_data(request))
        elif operation == "delete_indicator":
            services.indicator_delete(by=by, indicator=_indicator(request, rubric))
        else:
            messages.error(request, _("Unknown change to the rubric."))
            return redirect("evaluation:rubric", rubric.pk)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Rubric saved."))
    return redirect("evaluation:rubric", rubric.pk)


def _year(request, default: int) -> int:
    value = request.POST.get("year", "")
    return int(value) if value.strip().isdigit() else default


@login_required
@require_POST
def rubric_action(request, pk: int, action: str):
    """Freeze, new version, evaluate the year, finalise it, publish its leaderboard."""
    _require(request, "evaluation.manage")
    rubric = access_object(Rubric, request.user, "evaluation.manage", pk=pk)
    by, year = request.user, _year(request, rubric.year)
    try:
        if action == "freeze":
            services.rubric_freeze(by=by, rubric=rubric)
            messages.success(request, _("Rubric frozen: it can now be used and no longer changes."))
        elif action == "new_version":
            clone = services.rubric_new_version(by=by, rubric=rubric, year=year)
            messages.success(request, _("New draft version created for %(year)s.") % {"year": year})
            return redirect("evaluation:rubric", clone.pk)
        elif action == "evaluate":
            count = services.evaluate_all(by=by, rubric=rubric, year=year)
            messages.success(request, _("%(count)s societies evaluated for %(year)s.") % {"count": count, "year": year})
        elif action == "finalise":
            count = services.evaluations_finalise(by=by, rubric=rubric, year=year)
            messages.success(request, _("%(count)s evaluations finalised with grades and ranks.") % {"count": count})
        elif action == "publish":
            board = services.leaderboard_publish(by=by, rubric=rubric, year=year)
            messages.success(request, _("Leaderboard published."))
            return redirect("evaluation:leaderboard", board.pk)
        else:
            raise Http404
    except ValidationError as error:
        _show_errors(request, error)
    return redirect("evaluation:rubric", rubric.pk)


# --- a society's evaluation ----------------------------------------------------------------------

def _evaluation(request, pk: int, code: str) -> Evaluation:
    _require(request, code)
    return access_object(Evaluation.objects.select_related("rubric", "society__organization"), request.user, code,
                         pk=pk)


def _visible_evaluation(request, pk: int) -> Evaluation:
    """An evaluation of a society in the user's scope, or one assigned to them for review."""
    found = (evaluations_visible(request.user).select_related("rubric", "society__organization")
             .filter(pk=pk).first())
    if found is None:
        raise Http404
    return found


def _assigned_evaluation(request, pk: int) -> Evaluation:
    """An evaluation assigned to the signed-in reviewer (anyone else: not found)."""
    _require(request, "evaluation.score")
    found = assigned_to(request.user).select_related("rubric", "society__organization").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def evaluation_detail(request, pk: int):
    """The breakdown: each indicator's fact, self points, reviewer's points and comment, final
    points and contribution; the grade and the points still needed for the next one."""
    _require(request, "society.view")
    user = request.user
    evaluation = _visible_evaluation(request, pk)
    # Who reviews it is for the association that assigned the review (and the reviewer), not the society.
    assignment = (ReviewAssignment.objects.filter(evaluation=evaluation).select_related("reviewer").first()
                  if _may(user, "evaluation.manage", evaluation) else None)
    return render(request, "evaluation/evaluation_detail.html", {
        "assignment": assignment,
        # An assigned expert sees the evaluation without the publishing association in their scope.
        "rubric_visible": Rubric.objects.restrict(user, "society.view").filter(pk=evaluation.rubric_id).exists(),
        "evaluation": evaluation, "table": breakdown_table(evaluation), "total": current_total(evaluation),
        "grade": evaluation.grade or rb.grade_for(current_total(evaluation), grades_of(evaluation.rubric)),
        "next": next_grade(evaluation),
        "can_self": evaluation.status == EvaluationStatus.SELF_SCORING and _may(user, "annual_report.submit",
                                                                                 evaluation),
        "can_review": may_review(user, evaluation),
        "peer_group": peer_group_label(evaluation.peer_group) if evaluation.peer_group else "",
        "movement": str(rb.movement(evaluation.rank, evaluation.previous_rank)) if evaluation.rank else "",
    })


@login_required
@require_http_methods(["GET", "POST"])
def self_score(request, pk: int):
    """The society's self-score: claims on judged indicators, evidence files, save or submit."""
    evaluation = _evaluation(request, pk, "annual_report.submit")
    if request.method == "POST":
        claims = {i: request.POST.get(f"claim_{i}", "") for i in evaluation.rubric.indicators.filter(
            rule=Rule.JUDGED).values_list("pk", flat=True)}
        evidence = {int(key.removeprefix("evidence_")): upload for key, upload in request.FILES.items()
                    if key.startswith("evidence_") and key.removeprefix("evidence_").isdigit()}
        try:
            services.self_score_save(by=request.user, evaluation=evaluation, claims=claims, evidence=evidence,
                                     submit="submit" in request.POST)
        except ValidationError as error:
            _show_errors(request, error)
            return render(request, "evaluation/self_score.html", _score_context(evaluation, request.POST), status=200)
        messages.success(request, _("Self-score submitted.") if "submit" in request.POST else _("Self-score saved."))
        return redirect("evaluation:evaluation", evaluation.pk)
    return render(request, "evaluation/self_score.html", _score_context(evaluation, None))


def _score_context(evaluation: Evaluation, posted) -> dict:
    table = breakdown_table(evaluation)
    entered = {s.indicator_id: s for s in IndicatorScore.objects.filter(evaluation=evaluation)}
    for dimension in table:
        for row in dimension["rows"]:
            indicator, score = row["indicator"], entered.get(row["indicator"].pk)
            if posted is not None:
                row["claim"] = posted.get(f"claim_{indicator.pk}", "")
                row["given"] = posted.get(f"points_{indicator.pk}", "")
                row["comment_given"] = posted.get(f"comment_{indicator.pk}", "")
            else:
                row["claim"] = "" if not score or score.self_points is None else points(score.self_points)
                row["given"] = "" if not score or score.reviewer_points is None else points(score.reviewer_points)
                row["comment_given"] = score.reviewer_comment if score else ""
            row["source"] = source_label(indicator.source)
    return {"evaluation": evaluation, "table": table}


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    """The assigned reviewer's scoring form: points (blank: as computed) and a comment per
    indicator."""
    evaluation = _assigned_evaluation(request, pk)
    if request.method == "POST":
        scores = {i: {"points": request.POST.get(f"points_{i}", ""), "comment": request.POST.get(f"comment_{i}", "")}
                  for i in evaluation.rubric.indicators.values_list("pk", flat=True)}
        try:
            services.evaluation_review(by=request.user, evaluation=evaluation, scores=scores)
        except ValidationError as error:
            _show_errors(request, error)
            return render(request, "evaluation/review.html", _score_context(evaluation, request.POST))
        messages.success(request, _("Review saved."))
        return redirect("evaluation:evaluation", evaluation.pk)
    return render(request, "evaluation/review.html", _score_context(evaluation, None))


@login_required
@require_GET
def evidence_download(request, pk: int):
    """An evidence file of a self-score, for whoever may see the evaluation."""
    _require(request, "society.view")
    visible = evaluations_visible(request.user).values("pk")
    score = IndicatorScore.objects.filter(pk=pk, evaluation__in=visible).exclude(evidence="").first()
    if score is None:
        raise Http404
    return file_download(score.evidence.open("rb"), score.evidence_name or _("Evidence"))


# --- review assignments ----------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def reviewers(request, pk: int):
    """评审分配: the evaluations of a rubric's year with their reviewer and progress; the clerk
    assigns the chosen ones to an expert. The scoring itself is the reviewer's."""
    _require(request, "evaluation.manage")
    rubric = access_object(Rubric.objects.select_related("organization"), request.user, "evaluation.manage", pk=pk)
    year = _year(request, rubric.year) if request.method == "POST" else (
        int(request.GET["year"]) if request.GET.get("year", "").isdigit() else rubric.year)
    form = ReviewerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        chosen = [int(v) for v in request.POST.getlist("evaluation") if v.isdigit()]
        try:
            count = services.reviewer_assign(by=request.user, evaluations=chosen, reviewer=form.cleaned_data["reviewer"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(count)d evaluations assigned to %(reviewer)s.")
                             % {"count": count, "reviewer": form.cleaned_data["reviewer"]})
            return redirect(reverse("evaluation:reviewers", args=[rubric.pk]) + f"?year={year}")
    evaluations = Evaluation.objects.filter(rubric=rubric, year=year).restrict(request.user, "evaluation.manage")
    unassigned_only = request.GET.get("unassigned") == "1"
    rows = evaluations.select_related("society__organization", "assignment__reviewer").order_by(
        "society__organization__name", "id")
    if unassigned_only:
        rows = rows.filter(assignment__isnull=True)
    return render(request, "evaluation/reviewers.html", {
        "rubric": rubric, "year": year, "rows": rows, "form": form, "unassigned_only": unassigned_only,
        "progress": review_progress(evaluations), "workload": reviewer_workload(evaluations),
        "chosen": {int(v) for v in request.POST.getlist("evaluation") if v.isdigit()},
    }, status=400 if form.errors else 200)


# --- the leaderboard --------------------------------------------------------------------------------

def _board(request, pk: int) -> Leaderboard:
    _require(request, "society.view")
    board = leaderboards_for(request.user).filter(pk=pk).first()
    if board is None:
        raise Http404
    return board


@login_required
@require_GET
def leaderboard(request, pk: int):
    """The published leaderboard: overall and per peer group, grade, movement since last year."""
    board = _board(request, pk)
    groups = leaderboard_groups(board)
    chosen = request.GET.get("group", "")
    rows = board.rows if not chosen else next((g["rows"] for g in groups if g["key"] == chosen), [])
    return render(request, "evaluation/leaderboard.html", {
        "board": board, "groups": groups, "chosen": chosen, "rows": [_display(r) for r in rows],
        "group_tables": [{**g, "rows": [_display(r) for r in g["rows"]]} for g in groups] if not chosen else [],
    })


def _display(row: dict) -> dict:
    return {**row, "discipline_label": discipline_label(row["discipline"]),
            "group_label": peer_group_label(row["peer_group"]),
            "movement_label": pgettext("movement", "New") if row["movement"] == "new" else row["movement"]}


@login_required
@require_GET
def leaderboard_export(request, pk: int):
    """The leaderboard as .xlsx: the overall table and one sheet of peer groups (audited)."""
    board = _board(request, pk)
    headers = [_("Rank"), _("Society"), _("Discipline"), _("Peer group"), _("Rank in peer group"), pgettext("evaluation", "Score"),
               _("Grade"), _("Change since last year")]

    def lines(rows):
        for r in (_display(row) for row in rows):
            yield [r["rank"], r["name"], r["discipline_label"], r["group_label"], r["peer_rank"], float(r["total"]),
                   r["grade"], r["movement_label"]]

    workbook = write_workbook(headers=headers, rows=lines(board.rows), title=board.title, sheet_name=_("Overall"))
    grouped = [row for group in leaderboard_groups(board) for row in group["rows"]]
    add_sheet(workbook, headers=headers, rows=lines(grouped), title=board.title, sheet_name=_("Peer groups"))
    services.leaderboard_exported(by=request.user, leaderboard=board)
    return xlsx_response(workbook, f"{board.title}.xlsx")

