"""Writes of society evaluation: rubrics and their versions, self-scoring, reviewer scoring,
evaluating and finalising a whole year, and publishing the leaderboard.

Each service takes the acting user as ``by``, checks the permission code and the data scope
(out of scope → 404), runs in one transaction and writes its audit row inside it. Bad input raises
``ValidationError`` with a message naming the field, dimension or indicator; nothing is saved.

Who does what:

* rubrics, evaluating a year, finalising it and publishing the leaderboard: ``evaluation.manage``
  over the rubric's publishing association;
* the self-score (自评): ``annual_report.submit`` over the society;
* assigning reviewers (评审分配): ``evaluation.manage`` over the society; the reviewer is an
  expert (``evaluation.score``) with no conflict of interest with it;
* reviewer scoring: ``evaluation.score`` and being the assigned reviewer — the society need not
  be in the expert's data scope, and no one else scores it.
"""

from decimal import Decimal, InvalidOperation

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kexie import rubric as rb
from kexie.accounts.scope import access_object
from kexie.audit.services import audit_record
from kexie.core.uploads import check_upload
from kexie.organizations.models import Organization, OrgStatus
from kexie.societies.models import REGISTRY_FIELDS, REPORT_FIELDS, SocietyProfile
from kexie.selection.selectors import society_conflicts
from kexie.societies.selectors import facts_for
from kexie.accounts.scope import require_code as _require

from .models import (
    Dimension,
    Evaluation,
    EvaluationStatus,
    Indicator,
    IndicatorScore,
    Leaderboard,
    ReviewAssignment,
    Rubric,
    RubricStatus,
)
from .bulk import bulk_set
from .selectors import REVIEWABLE, assigned_to, compact, grades_of, to_rubric

KNOWN_SOURCES = {f"report.{name}" for name in REPORT_FIELDS} | {f"registry.{name}" for name in REGISTRY_FIELDS}
EVIDENCE_TYPES = {"pdf", "docx", "xlsx", "txt", "png", "jpg", "jpeg"}
BULK_BATCH = 2000


def _points(value, *, field: str, label: str) -> Decimal | None:
    """A number of points from a form or the API ("" / None: not given)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = rb.decimal(value.strip() if isinstance(value, str) else value)
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({field: _("%(label)s: “%(value)s” is not a number.") % {"label": label, "value": value}})
    return number


# --- rubrics ---------------------------------------------------------------------------------------

def _editable(by, rubric: Rubric) -> Rubric:
    """The rubric locked for editing, in the user's scope, still a draft."""
    _require(by, "evaluation.manage")
    rubric = access_object(Rubric.objects.select_for_update(), by, "evaluation.manage", pk=rubric.pk)
    if rubric.status == RubricStatus.FROZEN:
        raise ValidationError({"status": _("Rubric “%(rubric)s” is frozen and cannot change; make a new version "
                                           "to change it.") % {"rubric": rubric}})
    return rubric


def _grades(value) -> list[dict]:
    """Grade thresholds as [{"label", "minimum"}], highest first, ending at 0."""
    try:
        grades = [rb.Grade(str(g["label"]).strip(), rb.decimal(str(g["minimum"]))) for g in value]
    except (KeyError, TypeError, InvalidOperation, ValueError):
        raise ValidationError({"grade_thresholds": _("Give each grade a label and a minimum score.")}) from None
    minima = [g.minimum for g in grades]
    if (not grades or any(not g.label for g in grades) or minima != sorted(minima, reverse=True)
            or len(set(minima)) != len(minima) or minima[-1] != 0 or minima[0] > 100):
        raise ValidationError({"grade_thresholds": _(
            "Grades must go from the highest minimum score (at most 100) down to a last grade starting at 0, "
            "each with a label and a different minimum.")})
    return [{"label": g.label, "minimum": str(g.minimum)} for g in grades]


def _bands(value) -> list[int]:
    if not rb.check_bands(value):
        raise ValidationError({"size_bands": _("Member size bands are ascending whole numbers of individual members "
                                               "starting at 0, e.g. 0, 500, 2000, 10000.")})
    return list(value)


@transaction.atomic
def rubric_create(*, by, organization: Organization, name: str, year: int, grade_thresholds=None,
                  size_bands=None) -> Rubric:
    """Start a draft rubric of ``organization`` for ``year`` (version 1, or the next version)."""
    _require(by, "evaluation.manage")
    organization = access_object(Organization, by, "evaluation.manage", pk=organization.pk)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the rubric a name.")})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give the year as four digits.")})
    grades = _grades(grade_thresholds if grade_thresholds is not None else [
        {"label": g.label, "minimum": g.minimum} for g in rb.DEFAULT_GRADES])
    bands = _bands(size_bands if size_bands is not None else list(rb.DEFAULT_SIZE_BANDS))
    last = Rubric.objects.filter(organization=organization, year=year).aggregate(v=Max("version"))["v"] or 0
    rubric = Rubric.objects.create(organization=organization, name=name, year=year, version=last + 1,
                                   grade_thresholds=grades, size_bands=bands, created_by=by)
    audit_record(action="create", by=by, obj=rubric, new={"name": name, "year": year, "version": rubric.version,
                                                           "grades": grades, "size_bands": bands})
    return rubric


@transaction.atomic
def rubric_update(*, by, rubric: Rubric, name: str, grade_thresholds, size_bands) -> Rubric:
    """Change a draft rubric's name, grades and size bands."""
    rubric = _editable(by, rubric)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the rubric a name.")})
    old = {"name": rubric.name, "grades": rubric.grade_thresholds, "size_bands": rubric.size_bands}
    rubric.name, rubric.grade_thresholds, rubric.size_bands = name, _grades(grade_thresholds), _bands(size_bands)
    rubric.save(update_fields=["name", "grade_thresholds", "size_bands"])
    audit_record(action="update", by=by, obj=rubric, old=old, new={
        "name": rubric.name, "grades": rubric.grade_thresholds, "size_bands": rubric.size_bands})
    return rubric


def _code(value: str, *, field: str = "code") -> str:
    code = (value or "").strip()
    if not code or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code) or len(code) > 40:
        raise ValidationError({field: _("The code is up to 40 letters, digits, - or _, e.g. “members”.")})
    return code


def _weight(value) -> Decimal:
    weight = _points(value, field="weight", label=_("Weight"))
    if weight is None or weight <= 0 or weight > 100:
        raise ValidationError({"weight": _("The weight is a number above 0 and at most 100.")})
    return weight


@transaction.atomic
def dimension_add(*, by, rubric: Rubric, code: str, name: str, weight) -> Dimension:
    """Add a dimension (一级指标) with its weight to a draft rubric."""
    rubric = _editable(by, rubric)
    code, name, weight = _code(code), (name or "").strip(), _weight(weight)
    if not name:
        raise ValidationError({"name": _("Give the dimension a name.")})
    if rubric.dimensions.filter(code=code).exists():
        raise ValidationError({"code": _("The rubric already has a dimension with code “%(code)s”.") % {"code": code}})
    position = (rubric.dimensions.aggregate(p=Max("position"))["p"] or 0) + 1
    dimension = Dimension.objects.create(rubric=rubric, code=code, name=name, weight=weight, position=position)
    audit_record(action="create", by=by, obj=dimension, new={"rubric": rubric.pk, "code": code, "name": name,
                                                              "weight": weight})
    return dimension


@transaction.atomic
def dimension_update(*, by, dimension: Dimension, name: str, weight) -> Dimension:
    """Rename a dimension of a draft rubric or change its weight."""
    _editable(by, dimension.rubric)
    dimension = Dimension.objects.get(pk=dimension.pk)
    name, weight = (name or "").strip(), _weight(weight)
    if not name:
        raise ValidationError({"name": _("Give the dimension a name.")})
    old = {"name": dimension.name, "weight": dimension.weight}
    dimension.name, dimension.weight = name, weight
    dimension.save(update_fields=["name", "weight"])
    audit_record(action="update", by=by, obj=dimension, old=old, new={"name": name, "weight": weight})
    return dimension


@transaction.atomic
def dimension_delete(*, by, dimension: Dimension) -> None:
    """Remove a dimension and its indicators from a draft rubric."""
    _editable(by, dimension.rubric)
    audit_record(action="delete", by=by, obj=dimension, old={"code": dimension.code, "name": dimension.name})
    dimension.indicators.all().delete()
    dimension.delete()


def _indicator_fields(*, rubric: Rubric, code, name, rule, params, max_points, source, evidence_required,
                      description, exclude_pk=None) -> dict:
    code, name = _code(code), (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the indicator a name.")})
    if rule not in rb.RULES:
        raise ValidationError({"rule": _("Choose a scoring rule.")})
    maximum = _points(max_points, field="max_points", label=_("Maximum points"))
    if maximum is None or maximum <= 0 or maximum > 100:
        raise ValidationError({"max_points": _("The maximum points are a number above 0 and at most 100.")})
    params = params or {}
    problems = rb.check_params(rule, params, maximum)
    if problems:
        raise ValidationError({"params": [str(PARAM_MESSAGES[p]) % {"indicator": name, "max": maximum} for p in problems]})
    source = rb.REVIEWER if rule == rb.JUDGED else (source or "").strip()
    if rule != rb.JUDGED and source not in KNOWN_SOURCES:
        raise ValidationError({"source": _("Choose the data source of indicator “%(indicator)s”: a report or "
                                           "registry field.") % {"indicator": name}})
    taken = rubric.indicators.filter(code=code).exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"code": _("The rubric already has an indicator with code “%(code)s”.") % {"code": code}})
    return {"code": code, "name": name, "rule": rule, "params": _plain_params(params), "max_points": maximum,
            "source": source, "evidence_required": bool(evidence_required), "description": (description or "").strip()}


def _plain_params(params: dict) -> dict:
    """Parameters as JSON keeps them exactly: numbers as strings of their decimal value."""
    out = {}
    if "tiers" in params:
        out["tiers"] = sorted(([str(rb.decimal(t)), str(rb.decimal(p))] for t, p in params["tiers"]),
                              key=lambda tier: rb.decimal(tier[0]), reverse=True)
    if "per_unit" in params:
        out["per_unit"] = str(rb.decimal(params["per_unit"]))
    return out


@transaction.atomic
def indicator_add(*, by, dimension: Dimension, code: str, name: str, rule: str, params: dict, max_points,
                  source: str = "", evidence_required: bool = False, description: str = "") -> Indicator:
    """Add an indicator with its rule to a dimension of a draft rubric."""
    rubric = _editable(by, dimension.rubric)
    fields = _indicator_fields(rubric=rubric, code=code, name=name, rule=rule, params=params, max_points=max_points,
                               source=source, evidence_required=evidence_required, description=description)
    position = (dimension.indicators.aggregate(p=Max("position"))["p"] or 0) + 1
    indicator = Indicator.objects.create(rubric=rubric, dimension=dimension, position=position, **fields)
    audit_record(action="create", by=by, obj=indicator, new={"dimension": dimension.pk, **fields})
    return indicator


@transaction.atomic
def indicator_update(*, by, indicator: Indicator, name: str, rule: str, params: dict, max_points, source: str = "",
                     evidence_required: bool = False, description: str = "") -> Indicator:
    """Change an indicator of a draft rubric (its code stays)."""
    rubric = _editable(by, indicator.rubric)
    indicator = Indicator.objects.get(pk=indicator.pk)
    fields = _indicator_fields(rubric=rubric, code=indicator.code, name=name, rule=rule, params=params,
                               max_points=max_points, source=source, evidence_required=evidence_required,
                               description=description, exclude_pk=indicator.pk)
    old = {key: getattr(indicator, key) for key in fields}
    for key, value in fields.items():
        setattr(indicator, key, value)
    indicator.save()
    audit_record(action="update", by=by, obj=indicator, old=old, new=fields)
    return indicator


@transaction.atomic
def indicator_delete(*, by, indicator: Indicator) -> None:
    """Remove an indicator from a draft rubric."""
    _editable(by, indicator.rubric)
    audit_record(action="delete", by=by, obj=indicator, old={"code": indicator.code, "name": indicator.name})
    indicator.delete()


def _problem_message(problem: rb.Problem) -> str:
    params = problem.params
    if problem.code == "weights_sum":
        weights = "、".join(f"{name} {weight.normalize():f}" for name, weight in params["weights"])
        return _("The dimension weights must add up to 100: %(weights)s add up to %(sum)s.") % {
            "weights": weights, "sum": f"{params['sum'].normalize():f}"}
    template = PROBLEM_MESSAGES.get(problem.code) or PARAM_MESSAGES.get(problem.code) or _("The rubric is not valid.")
    return str(template) % {"where": problem.where, "indicator": problem.where, "max": params.get("max", ""),
                       "source": params.get("source", "")}


@transaction.atomic
def rubric_freeze(*, by, rubric: Rubric) -> Rubric:
    """Freeze a draft rubric: checked whole first (weights adding up to 100, every indicator's rule,
    maximum and source, the grades); from then on it is in use and cannot change."""
    rubric = _editable(by, rubric)
    problems = rb.validate(to_rubric(rubric), known_sources=KNOWN_SOURCES)
    if problems:
        raise ValidationError({"rubric": [_problem_message(p) for p in problems]})
    rubric.status, rubric.frozen_by, rubric.frozen_at = RubricStatus.FROZEN, by, timezone.now()
    rubric.save(update_fields=["status", "frozen_by", "frozen_at"])
    audit_record(action="freeze", by=by, obj=rubric, old={"status": RubricStatus.DRAFT},
                 new={"status": RubricStatus.FROZEN})
    return rubric


@transaction.atomic
def rubric_new_version(*, by, rubric: Rubric, year: int) -> Rubric:
    """A new draft cloned from ``rubric`` — its dimensions, indicators, grades and bands — for
    ``year``, numbered as the next version of that year."""
    _require(by, "evaluation.manage")
    source = access_object(Rubric, by, "evaluation.manage", pk=rubric.pk)
    clone = rubric_create(by=by, organization=source.organization, name=source.name, year=year,
                          grade_thresholds=source.grade_thresholds, size_bands=source.size_bands)
    clone.previous = source
    clone.save(update_fields=["previous"])
    for dimension in source.dimensions.prefetch_related("indicators"):
        copy = Dimension.objects.create(rubric=clone, code=dimension.code, name=dimension.name,
                                        weight=dimension.weight, position=dimension.position)
        Indicator.objects.bulk_create([Indicator(
            rubric=clone, dimension=copy, code=i.code, name=i.name, rule=i.rule, params=i.params,
            max_points=i.max_points, source=i.source, evidence_required=i.evidence_required,
            description=i.description, position=i.position) for i in dimension.indicators.all()])
    audit_record(action="new_version", by=by, obj=clone, new={"from": source.pk, "year": year,
                                                               "version": clone.version})
    return clone


# --- evaluating a year ----------------------------------------------------------------------------

def societies_of(rubric: Rubric):
    """The societies a rubric evaluates: those directly under its publishing association (the
    societies it supervises), dissolved ones left out."""
    return (SocietyProfile.objects.filter(organization__parent_id=rubric.organization_id)
            .exclude(organization__status=OrgStatus.DISSOLVED))


def _frozen(by, rubric: Rubric, code: str = "evaluation.manage") -> Rubric:
    _require(by, code)
    rubric = access_object(Rubric, by, code, pk=rubric.pk)
    if rubric.status != RubricStatus.FROZEN:
        raise ValidationError({"rubric": _("Freeze rubric “%(rubric)s” before evaluating with it.")
                               % {"rubric": rubric}})
    return rubric


def _entered(evaluation_ids) -> dict[int, dict[str, dict]]:
    """What people entered per evaluation: {evaluation id: {"claims": {code: points},
    "reviews": {code: points}}}. One query."""
    out: dict[int, dict[str, dict]] = {}
    rows = (IndicatorScore.objects.filter(evaluation_id__in=evaluation_ids)
            .values_list("evaluation_id", "indicator__code", "indicator__rule", "self_points", "reviewer_points"))
    for evaluation_id, code, rule, self_points, reviewer_points in rows:
        entry = out.setdefault(evaluation_id, {"claims": {}, "reviews": {}})
        if rule == rb.JUDGED and self_points is not None:
            entry["claims"][code] = self_points
        if reviewer_points is not None:
            entry["reviews"][code] = reviewer_points
    return out


@transaction.atomic
def evaluate_all(*, by, rubric: Rubric, year: int | None = None) -> int:
    """Compute every society's evaluation for ``year`` (by default the rubric's) in bulk.

    Creates the evaluations that do not exist yet (self-scoring) and recomputes the scores of
    those not yet final from the societies' facts, their judged claims and the reviewers' points.
    The number of queries does not depend on the number of societies (on PostgreSQL every bulk
    write is one statement; elsewhere it goes in batches of a few thousand rows). Returns how
    many evaluations were computed.
    """
    rubric = _frozen(by, rubric)
    year = year or rubric.year
    spec = to_rubric(rubric)
    societies = societies_of(rubric)
    facts = facts_for(societies, year)
    existing = {row["society_id"]: row for row in Evaluation.objects.filter(rubric=rubric, year=year)
                .values("pk", "society_id", "status")}
    entered = _entered(Evaluation.objects.filter(rubric=rubric, year=year).values("pk"))
    created, updated = [], []
    for society_id, values in facts.items():
        row = existing.get(society_id)
        if row and row["status"] == EvaluationStatus.FINAL:
            continue
        people = entered.get(row["pk"], {}) if row else {}
        claims, reviews = people.get("claims", {}), people.get("reviews", {})
        own = rb.score(spec, values, claims)
        final = rb.score(spec, values, claims, reviews) if reviews else own
        evaluation = Evaluation(society_id=society_id, rubric=rubric, year=year, self_total=own.total,
                                reviewer_total=final.total if reviews else None,
                                self_breakdown=compact(own), final_breakdown=compact(final))
        if row:
            evaluation.pk = row["pk"]
            updated.append(evaluation)
        else:
            created.append(evaluation)
    Evaluation.objects.bulk_create(created, batch_size=None if connection.vendor == "postgresql" else BULK_BATCH)
    bulk_set(Evaluation, updated, ["self_total", "reviewer_total", "self_breakdown", "final_breakdown"])
    audit_record(action="evaluate", by=by, obj=rubric, new={"year": year, "created": len(created),
                                                             "recomputed": len(updated)})
    return len(created) + len(updated)


def _society_scope(by, evaluation: Evaluation, code: str) -> Evaluation:
    _require(by, code)
    return access_object(Evaluation.objects.select_for_update().select_related("rubric", "society__organization"),
                         by, code, pk=evaluation.pk)


def _recompute(evaluation: Evaluation) -> rb.Breakdown:
    """Recompute one evaluation's breakdowns from its society's facts and what people entered."""
    spec = to_rubric(evaluation.rubric)
    values = facts_for([evaluation.society_id], evaluation.year).get(evaluation.society_id, {})
    people = _entered([evaluation.pk]).get(evaluation.pk, {})
    claims, reviews = people.get("claims", {}), people.get("reviews", {})
    own = rb.score(spec, values, claims)
    final = rb.score(spec, values, claims, reviews)
    evaluation.self_total, evaluation.self_breakdown = own.total, compact(own)
    evaluation.final_breakdown = compact(final)
    evaluation.reviewer_total = final.total if reviews else None
    return own


@transaction.atomic
def self_score_save(*, by, evaluation: Evaluation, claims: dict, evidence: dict | None = None,
                    submit: bool = False) -> Evaluation:
    """The society's self-score (自评): its claims on judged indicators (``{indicator id: points}``)
    and evidence files (``{indicator id: file}``); data-sourced indicators are computed from its
    facts. ``submit`` hands it to the reviewers, after which the society cannot change it.

    A claim above an indicator's maximum, or a submission without the evidence an indicator
    requires, is refused naming the indicator; nothing is saved.
    """
    evaluation = _society_scope(by, evaluation, "annual_report.submit")
    if evaluation.status != EvaluationStatus.SELF_SCORING:
        raise ValidationError({"status": _("The self-score of %(society)s for %(year)s has been submitted and can no "
                                           "longer change.") % {"society": evaluation.society, "year": evaluation.year}})
    indicators = {i.pk: i for i in evaluation.rubric.indicators.all()}
    evidence = evidence or {}
    errors = []
    given = {}
    for key, value in (claims or {}).items():
        indicator = indicators.get(int(key))
        if indicator is None or indicator.rule != rb.JUDGED:
            continue
        points = _points(value, field="claims", label=indicator.name)
        if points is not None and (points < 0 or points > indicator.max_points):
            errors.append(_out_of_range(indicator, points))
        given[indicator.pk] = points
    for key, upload in evidence.items():
        indicator = indicators.get(int(key))
        if indicator is None:
            continue
        try:
            check_upload(upload, allowed=EVIDENCE_TYPES)
        except ValidationError as error:
            errors.extend(f"{indicator.name}：{message}" for message in error.messages)
    if errors:
        raise ValidationError({"claims": errors})
    scores = {s.indicator_id: s for s in evaluation.scores.all()}
    for indicator_id, points in given.items():
        score = scores.get(indicator_id) or IndicatorScore(evaluation=evaluation, indicator_id=indicator_id)
        score.self_points = points
        score.save()
        scores[indicator_id] = score
    for key, upload in evidence.items():
        indicator_id = int(key)
        if indicator_id not in indicators:
            continue
        score = scores.get(indicator_id) or IndicatorScore(evaluation=evaluation, indicator_id=indicator_id)
        score.evidence = upload
        score.evidence_name = upload.name[:255]
        score.save()
        scores[indicator_id] = score
    own = _recompute(evaluation)
    # Data-sourced indicators: the computed points are the society's self-score too.
    points_by_code = own.points()
    for indicator in indicators.values():
        if indicator.rule == rb.JUDGED:
            continue
        score = scores.get(indicator.pk) or IndicatorScore(evaluation=evaluation, indicator=indicator)
        score.self_points = points_by_code[indicator.code]
        score.save()
        scores[indicator.pk] = score
    if submit:
        missing = [i.name for i in indicators.values() if i.evidence_required and points_by_code[i.code] > 0
                   and not (scores.get(i.pk) and scores[i.pk].evidence)]
        if missing:
            raise ValidationError({"evidence": [_("Indicator “%(indicator)s” requires evidence: attach a file before "
                                                  "submitting.") % {"indicator": name} for name in missing]})
        evaluation.status, evaluation.submitted_by, evaluation.submitted_at = (
            EvaluationStatus.SUBMITTED, by, timezone.now())
    evaluation.save()
    audit_record(action="submit" if submit else "self_score", by=by, obj=evaluation, new={
        "claims": {str(k): v for k, v in given.items()}, "evidence": sorted(str(k) for k in evidence),
        "self_total": evaluation.self_total})
    return evaluation


def _out_of_range(indicator: Indicator, points) -> str:
    return _("Indicator “%(indicator)s”: %(points)s points is outside 0 to its maximum of %(max)s.") % {
        "indicator": indicator.name, "points": f"{rb.decimal(points).normalize():f}",
        "max": f"{indicator.max_points.normalize():f}"}


def _conflict_message(reviewer, society, reasons) -> str:
    return _("%(reviewer)s may not review %(society)s: %(reasons)s.") % {
        "reviewer": reviewer.full_name or reviewer.username, "society": society, "reasons": "；".join(reasons)}


@transaction.atomic
def reviewer_assign(*, by, evaluations, reviewer, today: dt.date | None = None) -> int:
    """Assign ``reviewer`` to review ``evaluations`` (评审分配), or reassign them from another
    reviewer; all or nothing. The reviewer must be an active expert (``evaluation.score``) with no
    conflict of interest with any of the societies (the rule of
    :func:`kexie.selection.selectors.society_conflicts`); a finalised evaluation is not
    reassigned. Returns how many assignments changed."""
    _require(by, "evaluation.manage")
    ids = sorted({getattr(e, "pk", e) for e in evaluations})
    if not ids:
        raise ValidationError({"evaluations": _("Choose the evaluations to assign.")})
    found = list(Evaluation.objects.restrict(by, "evaluation.manage").select_for_update(of=("self",))
                 .select_related("society__organization").filter(pk__in=ids).order_by("pk"))
    if len(found) != len(ids):
        raise Http404
    if reviewer is None or not reviewer.is_active or not reviewer.has_code("evaluation.score"):
        raise ValidationError({"reviewer": _("%(user)s is not a review expert (no permission to score).")
                               % {"user": reviewer}})
    errors = [_("%(society)s's %(year)s evaluation is final; its reviewer no longer changes.")
              % {"society": e.society, "year": e.year} for e in found if e.status == EvaluationStatus.FINAL]
    conflicts = society_conflicts({e.society_id for e in found}, [reviewer], today=today)
    errors += [_conflict_message(reviewer, e.society, conflicts[(e.society_id, reviewer.pk)]) for e in found
               if (e.society_id, reviewer.pk) in conflicts]
    if errors:
        raise ValidationError({"reviewer": errors})
    current = {a.evaluation_id: a for a in ReviewAssignment.objects.select_for_update().filter(evaluation__in=found)}
    now, changed = timezone.now(), 0
    for evaluation in found:
        assignment = current.get(evaluation.pk)
        if assignment is not None and assignment.reviewer_id == reviewer.pk:
            continue
        old = None if assignment is None else {"reviewer": assignment.reviewer_id}
        if assignment is None:
            assignment = ReviewAssignment(evaluation=evaluation)
        assignment.reviewer, assignment.assigned_by, assignment.assigned_at = reviewer, by, now
        assignment.save()
        audit_record(action="assign", by=by, obj=evaluation, old=old,
                     new={"reviewer": reviewer.pk, "reviewer_name": str(reviewer)})
        changed += 1
    return changed


def _assigned_evaluation(by, evaluation: Evaluation, today: dt.date | None = None) -> Evaluation:
    """The evaluation locked for ``by``'s review: assigned to them (else not found), and no
    conflict of interest has arisen since it was assigned."""
    _require(by, "evaluation.score")
    found = (Evaluation.objects.select_for_update(of=("self",)).select_related("rubric", "society__organization")
             .filter(pk=evaluation.pk, pk__in=assigned_to(by).values("pk")).first())
    if found is None:
        raise Http404
    reasons = society_conflicts([found.society_id], [by], today=today).get((found.society_id, by.pk))
    if reasons:
        raise ValidationError({"scores": _conflict_message(by, found.society, reasons)})
    return found


@transaction.atomic
def evaluation_review(*, by, evaluation: Evaluation, scores: dict, today: dt.date | None = None) -> Evaluation:
    """The assigned reviewer's score: ``{indicator id: {"points": points or None, "comment": text}}``.

    Points replace the computed or claimed points of that indicator (None leaves them as
    computed). Points above an indicator's maximum are refused naming the indicator and its
    maximum; nothing is saved. Anyone but the assigned reviewer gets "not found".
    """
    evaluation = _assigned_evaluation(by, evaluation, today)
    if evaluation.status not in REVIEWABLE:
        raise ValidationError({"status": _("%(society)s's evaluation for %(year)s is %(status)s; only a submitted "
                                           "self-score can be reviewed.") % {
            "society": evaluation.society, "year": evaluation.year, "status": evaluation.get_status_display()}})
    indicators = {i.pk: i for i in evaluation.rubric.indicators.all()}
    errors, given = [], {}
    for key, entry in (scores or {}).items():
        indicator = indicators.get(int(key))
        if indicator is None:
            continue
        points = _points(entry.get("points"), field="scores", label=indicator.name)
        if points is not None and (points < 0 or points > indicator.max_points):
            errors.append(_out_of_range(indicator, points))
        given[indicator.pk] = (points, (entry.get("comment") or "").strip())
    if errors:
        raise ValidationError({"scores": errors})
    existing = {s.indicator_id: s for s in evaluation.scores.all()}
    for indicator_id, (points, comment) in given.items():
        score = existing.get(indicator_id) or IndicatorScore(evaluation=evaluation, indicator_id=indicator_id)
        score.reviewer_points, score.reviewer_comment = points, comment
        score.save()
    _recompute(evaluation)
    evaluation.status, evaluation.reviewed_by, evaluation.reviewed_at = EvaluationStatus.REVIEWED, by, timezone.now()
    evaluation.save()
    audit_record(action="review", by=by, obj=evaluation, new={
        "scores": {str(k): {"points": p, "comment": c} for k, (p, c) in given.items()},
        "reviewer_total": evaluation.reviewer_total})
    return evaluation


def _previous_ranks(rubric: Rubric, year: int) -> dict[int, int]:
    """Last year's overall rank of each society among the same association's final evaluations."""
    return dict(Evaluation.objects.filter(rubric__organization_id=rubric.organization_id, year=year - 1,
                                          status=EvaluationStatus.FINAL, rank__isnull=False)
                .order_by("finalised_at", "id")  # of two finalised rubric versions, the later counts
                .values_list("society_id", "rank"))


@transaction.atomic
def evaluations_finalise(*, by, rubric: Rubric, year: int | None = None) -> int:
    """Finalise a rubric's year: every evaluation's final score (the reviewer's points where given,
    else computed), grade, overall rank, peer group and rank in it, and last year's rank.

    Runs :func:`evaluate_all` first so the scores are current. Refused once the year's leaderboard
    is published. Returns how many evaluations were finalised.
    """
    rubric = _frozen(by, rubric)
    year = year or rubric.year
    if Leaderboard.objects.filter(rubric=rubric, year=year).exists():
        raise ValidationError({"year": _("The %(year)s leaderboard of “%(rubric)s” is published; its results can no "
                                         "longer change.") % {"year": year, "rubric": rubric}})
    # Final evaluations of an earlier finalisation are recomputed as well.
    Evaluation.objects.filter(rubric=rubric, year=year, status=EvaluationStatus.FINAL).update(
        status=EvaluationStatus.REVIEWED)
    evaluate_all(by=by, rubric=rubric, year=year)
    grades = grades_of(rubric)
    bands = rubric.size_bands
    rows = list(Evaluation.objects.filter(rubric=rubric, year=year)
                .values("pk", "society_id", "final_breakdown", "society__organization__name",
                        "society__discipline", "society__individual_members"))
    entries = [rb.Entry(row["society_id"], Decimal(row["final_breakdown"]["total"]),
                        row["society__organization__name"]) for row in rows]
    by_society = {row["society_id"]: row for row in rows}
    overall = {r.key: r.rank for r in rb.rank(entries)}

    def group_of(entry):
        row = by_society[entry.key]
        return rb.peer_group(row["society__discipline"], row["society__individual_members"], bands)

    peer = {r.key: (group, r.rank) for group, table in rb.rank_by_group(entries, group_of).items() for r in table}
    previous = _previous_ranks(rubric, year)
    now = timezone.now()
    finals = []
    for entry in entries:
        row = by_society[entry.key]
        finals.append(Evaluation(
            pk=row["pk"], final_total=entry.total, grade=rb.grade_for(entry.total, grades), rank=overall[entry.key],
            peer_group=peer[entry.key][0], peer_rank=peer[entry.key][1], previous_rank=previous.get(entry.key),
            status=EvaluationStatus.FINAL, finalised_at=now))
    bulk_set(Evaluation, finals, ["final_total", "grade", "rank", "peer_group", "peer_rank", "previous_rank", "status",
                                  "finalised_at"])
    audit_record(action="finalise", by=by, obj=rubric, new={"year": year, "evaluations": len(finals)})
    return len(finals)


@transaction.atomic
def leaderboard_publish(*, by, rubric: Rubric, year: int | None = None, title: str = "") -> Leaderboard:
    """Publish a finalised year's ranking (学会创新工作排行榜); its rows are kept as they are now."""
    rubric = _frozen(by, rubric)
    year = year or rubric.year
    if Leaderboard.objects.filter(rubric=rubric, year=year).exists():
        raise ValidationError({"year": _("The %(year)s leaderboard of “%(rubric)s” is already published.")
                               % {"year": year, "rubric": rubric}})
    evaluations = Evaluation.objects.filter(rubric=rubric, year=year)
    if not evaluations.exists() or evaluations.exclude(status=EvaluationStatus.FINAL).exists():
        raise ValidationError({"year": _("Finalise the %(year)s evaluations of “%(rubric)s” before publishing the "
                                         "leaderboard.") % {"year": year, "rubric": rubric}})
    rows = []
    for e in evaluations.order_by("rank", "society__organization__name", "society_id").values(
            "society_id", "society__organization__name", "society__discipline", "final_total", "grade", "rank",
            "peer_group", "peer_rank", "previous_rank"):
        rows.append({"society": e["society_id"], "name": e["society__organization__name"],
                     "discipline": e["society__discipline"], "peer_group": e["peer_group"],
                     "total": str(e["final_total"]), "grade": e["grade"], "rank": e["rank"],
                     "peer_rank": e["peer_rank"], "previous_rank": e["previous_rank"],
                     "movement": str(rb.movement(e["rank"], e["previous_rank"]))})
    title = (title or "").strip() or _("%(year)s society innovation leaderboard") % {"year": year}
    board = Leaderboard.objects.create(rubric=rubric, year=year, title=title, rows=rows, published_by=by,
                                       published_at=timezone.now())
    audit_record(action="publish", by=by, obj=board, new={"rubric": rubric.pk, "year": year, "rows": len(rows)})
    return board


def leaderboard_exported(*, by, leaderboard: Leaderboard, group: str = "") -> None:
    """Record that ``by`` exported the leaderboard (the export itself is a read)."""
    audit_record(action="export", by=by, obj=leaderboard, new={"rows": len(leaderboard.rows), "group": group})


# The messages of rubric problems (kexie.rubric.validate / check_params), in the user's language.
PARAM_MESSAGES = {
    "unknown_rule": gettext_lazy("Indicator “%(indicator)s”: choose a scoring rule."),
    "tiers_missing": gettext_lazy("Indicator “%(indicator)s”: give at least one tier (threshold and points)."),
    "tiers_malformed": gettext_lazy("Indicator “%(indicator)s”: each tier is a threshold and its points, both numbers."),
    "tier_points_out_of_range": gettext_lazy("Indicator “%(indicator)s”: a tier's points must be between 0 and the maximum "
                                  "of %(max)s."),
    "tiers_duplicate_threshold": gettext_lazy("Indicator “%(indicator)s”: two tiers have the same threshold."),
    "per_unit_invalid": gettext_lazy("Indicator “%(indicator)s”: give the points per unit as a number above 0."),
}
PROBLEM_MESSAGES = {
    "no_dimensions": gettext_lazy("The rubric has no dimensions."),
    "weight_not_positive": gettext_lazy("Dimension “%(where)s”: the weight must be above 0."),
    "dimension_empty": gettext_lazy("Dimension “%(where)s” has no indicators."),
    "duplicate_code": gettext_lazy("Indicator “%(where)s”: another indicator has the same code."),
    "max_not_positive": gettext_lazy("Indicator “%(where)s”: the maximum points must be above 0."),
    "judged_needs_reviewer": gettext_lazy("Indicator “%(where)s”: a judged indicator is scored by the reviewer."),
    "reviewer_needs_judged": gettext_lazy("Indicator “%(where)s”: only a judged indicator is scored by the reviewer."),
    "unknown_source": gettext_lazy("Indicator “%(where)s”: “%(source)s” is not a report or registry field."),
    "grades_order": gettext_lazy("Grades must go from the highest minimum score down, each with a different minimum."),
    "grades_floor": gettext_lazy("The last grade must start at 0."),
}


