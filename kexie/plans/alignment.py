"""Alignment (对标) of a lower plan to an upper plan: services that write it, selectors that read it.

The suggestions come from :mod:`kexie.textsim` (plain Python): each lower item gets the three
upper items most similar to it, with a score in [0, 1]. They are computed when the alignment is
started and stored, so the screen reads rows instead of recomputing. A person then accepts the
first suggestion, picks another item of the upper plan, or marks the item as having no
counterpart (无对应). The coverage report ("任务不少") feeds the stored state back to
``textsim.coverage``: a person's decision counts whatever its score; an undecided item counts
through its first suggestion — a strong one (at or above ``textsim.strong_threshold``) covers the
upper task, a weak one (from the alignment's threshold) only makes it "partly answered, to be
confirmed". :func:`alignment_accept_strong` confirms the strong ones in one step.

Which upper plans a user may align to: the plans in force of the organisations above the lower
plan's organisation (and of its own), and of their departments — the plans handed down to that
organisation, which its staff must read even outside their data scope — and any other plan in
force the user may see. Who may see an alignment is decided by the lower plan (plan.view); who
may change it, by plan.change on the lower plan.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object
from kexie.audit.services import audit_record
from kexie.core.excel import escape_cell, write_workbook
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.textsim import DEFAULT_THRESHOLD, Match, Suggestion, align, coverage, strong_threshold
from kexie.textsim.align import TASK_KINDS
from kexie.accounts.scope import require_code as _require

from .models import (
    DECIDED_STATUSES,
    AlignmentStatus,
    AlignmentSuggestion,
    ItemAlignment,
    Plan,
    PlanAlignment,
    PlanItem,
    PlanStatus,
)

SUGGESTIONS = 3  # upper items suggested per lower item


def _textsim_items(plan: Plan) -> list[dict]:
    """The plan's items as the kexie.plan/1 dicts textsim reads, in document order."""
    return [{"key": it.key, "kind": it.kind, "title": it.title, "text": it.text}
            for it in plan.items.order_by("position")]


def _threshold(value) -> float:
    if value is None or value == "":
        return DEFAULT_THRESHOLD
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise ValidationError({"threshold": _("The threshold is a number between 0 and 1, e.g. 0.28.")})
    return number


# --- which upper plans ---------------------------------------------------------------------------

def _chain_organizations(organization_id: int):
    """The organisation, the ones above it, and the departments of each of them."""
    above = OrganizationClosure.objects.filter(descendant_id=organization_id).values("ancestor_id")
    return Organization.objects.filter(Q(pk__in=above) | Q(parent_id__in=above, kind="department"))


def upper_plans(user, plan: Plan):
    """Every plan in force ``plan`` may be aligned to by ``user``: those of ``plan``'s organisation
    chain and the ones the user may see, ``plan`` itself excepted."""
    return Plan.objects.filter(
        Q(organization_id__in=_chain_organizations(plan.organization_id).values("pk"))
        | Q(pk__in=Plan.objects.restrict(user, "plan.view").values("pk")),
        status=PlanStatus.ACTIVE,
    ).exclude(pk=plan.pk)


# The chooser lists every plan of the chain but only the newest of the rest (a national office
# may see thousands of lower plans; an older one is still accepted by id through the API).
OTHER_CHOICES = 100


def upper_plan_choices(user, plan: Plan) -> list[Plan]:
    """The upper plans to offer: those of ``plan``'s organisation chain first (nearest organisation
    first, newest plan first), then the newest other plans ``user`` may see. Each has ``in_chain``."""
    nearness = {pk: -depth for pk, depth in _chain_organizations(plan.organization_id).values_list("pk", "depth")}
    candidates = upper_plans(user, plan).select_related("organization")
    chain = sorted(candidates.filter(organization_id__in=nearness), key=lambda p: (
        nearness[p.organization_id], -(p.issued_on.toordinal() if p.issued_on else 0), -p.pk))
    others = list(candidates.exclude(organization_id__in=nearness).order_by("-issued_on", "-id")[:OTHER_CHOICES])
    for p in chain:
        p.in_chain = True
    for p in others:
        p.in_chain = False
    return chain + others


def ancestors_have_plans(plan: Plan) -> bool:
    """Whether an organisation above ``plan``'s has a plan in force (the detail page offers 对标)."""
    above = OrganizationClosure.objects.filter(descendant_id=plan.organization_id, depth__gte=1).values("ancestor_id")
    return Plan.objects.filter(organization_id__in=above, status=PlanStatus.ACTIVE).exists()


# --- services -----------------------------------------------------------------------------------

def _store_suggestions(alignment: PlanAlignment) -> dict:
    """Compute the suggestions for every lower item and store them; decisions already taken are
    kept (their score and rank follow the new suggestions), undecided items take the new first one."""
    lower = list(alignment.plan.items.order_by("position"))
    upper = {it.key: it for it in alignment.upper_plan.items.order_by("position")}
    computed = {s.lower_key: s for s in align(_textsim_items(alignment.plan), _textsim_items(alignment.upper_plan),
                                               k=SUGGESTIONS)}
    existing = {ia.item_id: ia for ia in alignment.items.all()}
    AlignmentSuggestion.objects.filter(item_alignment__alignment=alignment).delete()
    suggestions, kept, created = [], 0, 0
    for item in lower:
        matches = [(upper[m.upper_key], m.score) for m in computed[item.key].matches if m.upper_key in upper]
        row = existing.get(item.pk)
        if row is None:
            row = ItemAlignment(alignment=alignment, item=item)
            created += 1
        ranked = {u.pk: (rank, score) for rank, (u, score) in enumerate(matches, start=1)}
        if row.status in DECIDED_STATUSES:
            kept += 1
            row.rank, row.score = ranked.get(row.upper_item_id, (None, None))
            if row.status != AlignmentStatus.NONE:
                row.status = AlignmentStatus.ACCEPTED if row.rank == 1 else AlignmentStatus.CHANGED
        else:
            first = matches[0] if matches else (None, None)
            row.upper_item, row.score = first
            row.rank = 1 if matches else None
            row.status = AlignmentStatus.SUGGESTED
        row.save()
        suggestions += [AlignmentSuggestion(item_alignment=row, upper_item=u, rank=rank, score=score)
                        for rank, (u, score) in enumerate(matches, start=1)]
    AlignmentSuggestion.objects.bulk_create(suggestions)
    return {"items": len(lower), "kept": kept, "created": created}


def alignment_start(*, by, plan: Plan, upper_plan: Plan | None, threshold=None) -> PlanAlignment:
    """Align ``plan`` to ``upper_plan``: compute the suggestions for each of its items and store
    them. Starting again for the same pair recomputes the suggestions and keeps the decisions."""
    _require(by, "plan.change")
    plan = access_object(Plan, by, "plan.change", pk=plan.pk)
    upper_plan = upper_plans(by, plan).filter(pk=upper_plan.pk).first() if upper_plan is not None else None
    if upper_plan is None:
        raise ValidationError({"upper_plan": _(
            "Choose an upper plan in force: one of the plans of the organisations above this plan's, or one "
            "you may see.")})
    # Not given: the default for a new alignment, the one already chosen for an existing one.
    given = None if threshold is None or threshold == "" else _threshold(threshold)
    with transaction.atomic():
        alignment, created = PlanAlignment.objects.select_for_update().get_or_create(
            plan=plan, upper_plan=upper_plan,
            defaults={"threshold": DEFAULT_THRESHOLD if given is None else given, "created_by": by})
        old_threshold = alignment.threshold
        if given is not None:
            alignment.threshold = given
        threshold = alignment.threshold
        alignment.save()  # also moves updated_at: the latest alignment is the one shown first
        counts = _store_suggestions(alignment)
        audit_record(action="create" if created else "update", by=by, obj=alignment,
                     old=None if created else {"threshold": old_threshold},
                     new={"plan": plan.pk, "upper_plan": upper_plan.pk, "threshold": threshold, **counts})
    return alignment


def _decision(row: ItemAlignment) -> dict:
    return {"status": row.status, "upper_item": row.upper_item.key if row.upper_item_id else None}


def _not_an_upper_item(alignment: PlanAlignment) -> ValidationError:
    # Not the item's title: an item of another plan may be outside the user's scope.
    return ValidationError({"upper_item": _(
        "The chosen item is not an item of the upper plan “%(plan)s”; choose one of its items.")
        % {"plan": alignment.upper_plan.title}})


def upper_item_by_id(alignment: PlanAlignment, value) -> PlanItem:
    """The upper plan's item a decision names by id; any other id (unknown, or an item of another
    plan) gets the same refusal, so the answer does not tell whether it exists."""
    item = (PlanItem.objects.filter(pk=int(value), plan_id=alignment.upper_plan_id).first()
            if str(value or "").isdigit() else None)
    if item is None:
        raise _not_an_upper_item(alignment)
    return item


def alignment_decide(*, by, item_alignment: ItemAlignment, upper_item: PlanItem | None) -> ItemAlignment:
    """Decide one lower item's counterpart: ``upper_item`` (the first suggestion is accepted, any
    other item of the upper plan is a change) or ``None`` for 无对应."""
    _require(by, "plan.change")
    row = access_object(ItemAlignment, by, "plan.change", pk=item_alignment.pk)
    with transaction.atomic():
        # Lock the row only: upper_item is a nullable join, which PostgreSQL cannot lock.
        row = ItemAlignment.objects.select_for_update(of=("self",)).select_related(
            "alignment__upper_plan", "item", "upper_item").get(pk=row.pk)
        old = _decision(row)
        if upper_item is None:
            row.upper_item, row.score, row.rank, row.status = None, None, None, AlignmentStatus.NONE
        else:
            if upper_item.plan_id != row.alignment.upper_plan_id:
                raise _not_an_upper_item(row.alignment)
            suggestion = row.suggestions.filter(upper_item=upper_item).first()
            row.upper_item = upper_item
            row.rank, row.score = (suggestion.rank, suggestion.score) if suggestion else (None, None)
            row.status = AlignmentStatus.ACCEPTED if row.rank == 1 else AlignmentStatus.CHANGED
        row.decided_by, row.decided_at = by, timezone.now()
        row.save()
        audit_record(action="update", by=by, obj=row, old=old, new=_decision(row))
    return row


def _accept_first_suggestions(*, by, alignment: PlanAlignment, which: Q, record: dict) -> int:
    """Accept the first suggestion of the undecided items ``which`` selects, in one transaction
    with one audit row on the alignment."""
    with transaction.atomic():
        rows = list(ItemAlignment.objects.select_for_update(of=("self",)).filter(
            which, alignment=alignment, status=AlignmentStatus.SUGGESTED, rank=1))
        now = timezone.now()
        for row in rows:
            row.status, row.decided_by, row.decided_at = AlignmentStatus.ACCEPTED, by, now
        ItemAlignment.objects.bulk_update(rows, ["status", "decided_by", "decided_at"])
        audit_record(action="update", by=by, obj=alignment,
                     new={"accepted": len(rows), **record, "items": [r.item_id for r in rows]})
    return len(rows)


def alignment_accept_all_above(*, by, alignment: PlanAlignment, threshold=None) -> int:
    """Accept the first suggestion of every undecided item whose score is at least ``threshold``
    (the alignment's own when not given). Returns how many were accepted."""
    _require(by, "plan.change")
    alignment = access_object(PlanAlignment, by, "plan.change", pk=alignment.pk)
    threshold = alignment.threshold if threshold is None or threshold == "" else _threshold(threshold)
    return _accept_first_suggestions(by=by, alignment=alignment, which=Q(score__gte=threshold),
                                     record={"threshold": threshold})


def alignment_accept_strong(*, by, alignment: PlanAlignment) -> int:
    """接受全部强对应: accept every undecided task's strong first suggestion — those the coverage
    report already counts as covering — in one transaction with one audit row. Returns how many
    were accepted; the rest stay for a person to decide one by one (the 待确认 list)."""
    _require(by, "plan.change")
    alignment = access_object(PlanAlignment, by, "plan.change", pk=alignment.pk)
    return _accept_first_suggestions(by=by, alignment=alignment, which=_strong_rows(alignment), record={
        "threshold": strong_threshold(alignment.threshold), "strong": True})


# --- reading ------------------------------------------------------------------------------------

FILTERS = ("undecided", "review", "below")


def _strong_rows(alignment: PlanAlignment) -> Q:
    """Undecided tasks (and sections) whose first suggestion (the row mirrors it) reaches the
    strong line: what the coverage report counts as covering and 接受全部强对应 accepts. The line
    was calibrated on tasks; principles, goals and safeguards are left to a person."""
    return Q(status=AlignmentStatus.SUGGESTED, rank=1, score__gte=strong_threshold(alignment.threshold),
             item__kind__in=TASK_KINDS)


def is_strong_row(row: ItemAlignment, strong: float) -> bool:
    """:func:`_strong_rows` for one row in memory (``strong``: the alignment's strong line)."""
    return (row.status == AlignmentStatus.SUGGESTED and row.rank == 1 and row.score is not None
            and row.score >= strong and row.item.kind in TASK_KINDS)


def alignment_counts(alignment: PlanAlignment) -> dict:
    """How many lower items, how many not confirmed yet, and of those how many have a strong
    first suggestion (the button) and how many are left to confirm one by one (the 待确认 list)."""
    counts = alignment.items.aggregate(
        total=Count("pk"), undecided=Count("pk", filter=Q(status=AlignmentStatus.SUGGESTED)),
        strong=Count("pk", filter=_strong_rows(alignment)))
    return {**counts, "review": counts["undecided"] - counts["strong"],
            "strong_threshold": strong_threshold(alignment.threshold)}


def alignments_of(user, plan: Plan):
    """The alignments of ``plan`` the user may see, latest first."""
    return (PlanAlignment.objects.restrict(user, "plan.view").filter(plan=plan)
            .select_related("upper_plan__organization").order_by("-updated_at", "-id"))


def alignment_rows(alignment: PlanAlignment, *, show: str = ""):
    """The lower items with their counterpart and suggestions, in the lower plan's order.

    ``show``: "undecided" (no decision yet), "review" (no decision yet and no strong first
    suggestion: what a person must look at once the strong ones are accepted) or "below" (first
    suggestion under the threshold, or none at all).
    """
    rows = ItemAlignment.objects.filter(alignment=alignment).select_related(
        "item", "upper_item", "decided_by").prefetch_related(
        Prefetch("suggestions", queryset=AlignmentSuggestion.objects.select_related("upper_item").order_by("rank")))
    if show in ("undecided", "review"):
        rows = rows.filter(status=AlignmentStatus.SUGGESTED)
    if show == "review":
        rows = rows.exclude(_strong_rows(alignment))
    elif show == "below":
        best = AlignmentSuggestion.objects.filter(rank=1, score__gte=alignment.threshold).values("item_alignment_id")
        rows = rows.exclude(pk__in=best)
    return rows.order_by("item__position")


def upper_items_matching(alignment: PlanAlignment, text: str, limit: int = 20):
    """Items of the upper plan whose number, title or text contains ``text`` (all when empty)."""
    items = alignment.upper_plan.items.order_by("position")
    text = (text or "").strip()
    if text:
        items = items.filter(Q(key__startswith=text) | Q(title__icontains=text) | Q(text__icontains=text))
    return items[:limit]


COVERED, PARTIAL, UNCOVERED = "covered", "partial", "uncovered"


@dataclass(frozen=True)
class Answer:
    """A lower item pointing to an upper task: by a decision, or by a strong or weak suggestion."""

    item: PlanItem
    how: str  # "confirmed", "strong" or "weak"
    score: float | None

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


@dataclass(frozen=True)
class AlignmentCoverage:
    """The 任务不少 check of one alignment: every upper task is covered (a decision or a strong
    suggestion answers it), partial (only weak suggestions do: to be confirmed) or uncovered.

    The one selector of these figures: the coverage page, its export and the API read them here.
    """

    threshold: float
    strong: float
    upper_tasks: list          # upper items of the task kinds (tasks and sections), plan order
    covered: list              # 已覆盖
    partial: list              # 部分对应，待确认
    uncovered: list            # 未覆盖
    tentative: list            # covered only by strong suggestions nobody has confirmed yet
    unaligned: list            # lower tasks and sections that answer nothing
    undecided: int             # lower items still without a decision
    strong_undecided: int      # of those, the ones with a strong first suggestion
    answers: dict              # upper item pk -> [Answer], lower plan order

    @property
    def covered_count(self) -> int:
        return len(self.covered)

    @property
    def partial_count(self) -> int:
        return len(self.partial)

    @property
    def uncovered_count(self) -> int:
        return len(self.uncovered)

    @property
    def rate(self) -> float:
        return self.covered_count / len(self.upper_tasks) if self.upper_tasks else 0.0

    def state(self, item) -> str:
        """COVERED, PARTIAL or UNCOVERED for an upper task of this report."""
        return self._states[item.pk]

    @property
    def covered_with_answers(self) -> list:
        """(upper task, the lower items answering it) for the covered tasks."""
        return [(it, self.answers.get(it.pk, [])) for it in self.covered]

    @property
    def partial_with_answers(self) -> list:
        return [(it, self.answers.get(it.pk, [])) for it in self.partial]

    @cached_property
    def _states(self) -> dict:
        return {**{it.pk: COVERED for it in self.covered}, **{it.pk: PARTIAL for it in self.partial},
                **{it.pk: UNCOVERED for it in self.uncovered}}

    def summary(self, *, names: bool = True) -> str:
        """The sentence of the 任务不少 check: upper tasks N — covered, partial, uncovered: …
        (the export names the uncovered tasks; the page lists them below the sentence)."""
        counts = {"total": len(self.upper_tasks), "covered": self.covered_count,
                  "partial": self.partial_count, "uncovered": self.uncovered_count}
        if not names:
            return _("Upper tasks: %(total)d; covered: %(covered)d; partly, to be confirmed: %(partial)d; "
                     "not covered: %(uncovered)d.") % counts
        listed = "、".join(f"{it.key} {it.title}" for it in self.uncovered) or _("none")
        return _("Upper tasks: %(total)d; covered: %(covered)d; partly, to be confirmed: %(partial)d; "
                 "not covered: %(uncovered)d: %(names)s") % {**counts, "names": listed}

    @property
    def headline(self) -> str:
        return self.summary(names=False)


def state_label(state: str) -> str:
    """The words for a coverage state, the same on the page and in the export."""
    return {COVERED: _("Covered"), PARTIAL: _("Partly, to be confirmed"), UNCOVERED: _("Not covered")}[state]


def _stored_suggestions(rows) -> list[Suggestion]:
    """The stored state as textsim suggestions: a decision is a decided match (无对应: none), an
    undecided item its stored suggestions with their scores."""
    out = []
    for row in rows:
        if row.status in (AlignmentStatus.ACCEPTED, AlignmentStatus.CHANGED):
            matches, decided = (Match(row.upper_item.key, 1.0),), True
        elif row.status == AlignmentStatus.NONE:
            matches, decided = (), True
        else:
            matches, decided = tuple(Match(s.upper_item.key, s.score) for s in row.suggestions.all()), False
        out.append(Suggestion(row.item.key, row.item.title, row.item.kind, matches, decided=decided))
    return out


def _answers(rows, strong: float, threshold: float) -> dict:
    """For each upper item, the lower items pointing to it and how (what the page and export
    list), by the rule of :func:`textsim.coverage`: a decision, a strong first suggestion, or a
    weak one (a first suggestion from the threshold, or a later one from the strong line)."""
    answers: dict[int, list[Answer]] = {}
    for row in rows:
        if row.status in (AlignmentStatus.ACCEPTED, AlignmentStatus.CHANGED):
            answers.setdefault(row.upper_item_id, []).append(Answer(row.item, "confirmed", row.score))
        elif row.status == AlignmentStatus.SUGGESTED:
            for s in row.suggestions.all():
                if s.rank == 1 and is_strong_row(row, strong):
                    answers.setdefault(s.upper_item_id, []).append(Answer(row.item, "strong", s.score))
                elif s.score >= strong or (s.rank == 1 and s.score >= threshold):
                    answers.setdefault(s.upper_item_id, []).append(Answer(row.item, "weak", s.score))
    return answers


def alignment_coverage(alignment: PlanAlignment) -> AlignmentCoverage:
    """Every upper task's coverage state, and the lower tasks aligned to nothing, from the stored
    decisions and (for undecided items) the stored suggestions — see :func:`textsim.coverage`."""
    rows = list(alignment_rows(alignment))
    strong = strong_threshold(alignment.threshold)
    upper = list(alignment.upper_plan.items.order_by("position"))
    report = coverage(_stored_suggestions(rows), [{"key": it.key, "kind": it.kind, "title": it.title} for it in upper],
                      alignment.threshold, strong)
    lower = {row.item.key: row.item for row in rows}
    covered, partial = set(report.covered_upper), set(report.partial_upper)
    uncovered, confirmed = set(report.uncovered_upper), set(report.confirmed_upper)
    tasks = [it for it in upper if it.kind in TASK_KINDS]
    counts = alignment_counts(alignment)
    return AlignmentCoverage(
        threshold=alignment.threshold, strong=strong, upper_tasks=tasks,
        covered=[it for it in tasks if it.key in covered],
        partial=[it for it in tasks if it.key in partial],
        uncovered=[it for it in tasks if it.key in uncovered],
        tentative=[it for it in tasks if it.key in covered and it.key not in confirmed],
        unaligned=[lower[key] for key in report.unaligned_lower],
        undecided=counts["undecided"],
        strong_undecided=counts["strong"],
        answers=_answers(rows, strong, alignment.threshold),
    )


def alignment_coverage_export(*, by, alignment: PlanAlignment):
    """The coverage report as a workbook: every upper task with its state and the lower items that
    answer it (decided, or suggested with their score), the counts, then the lower tasks that
    answer nothing. The export is audited."""
    _require(by, "plan.export")
    alignment = access_object(PlanAlignment.objects.select_related("plan", "upper_plan"), by, "plan.export",
                              pk=alignment.pk)
    report = alignment_coverage(alignment)

    def listed(item, *hows) -> str:
        return "；".join(f"{a.item.key} {a.item.title}" + (f"（{a.score:.0%}）" if a.how != "confirmed" else "")
                        for a in report.answers.get(item.pk, []) if a.how in hows)

    workbook = write_workbook(
        title=f"{alignment.plan.title} — {alignment.upper_plan.title}", sheet_name=_("Upper tasks"),
        headers=[_("Upper no."), _("Upper task"), _("Coverage"), _("Lower items decided"),
                 _("Lower items suggested")],
        rows=[[it.key, it.title, state_label(report.state(it)), listed(it, "confirmed"), listed(it, "strong", "weak")]
              for it in report.upper_tasks]
        + [[], [report.summary()]]
        + [[state_label(state), count] for state, count in (
            (COVERED, report.covered_count), (PARTIAL, report.partial_count), (UNCOVERED, report.uncovered_count))]
        + [[_("Coverage rate"), f"{report.rate:.0%}"], [_("Strong suggestion from"), f"{report.strong:.2f}"]],
    )
    sheet = workbook.create_sheet(_("Lower tasks without counterpart")[:31])
    sheet.append([escape_cell(h) for h in (_("No."), _("Task"))])
    for item in report.unaligned:
        sheet.append([escape_cell(item.key), escape_cell(item.title)])
    sheet.column_dimensions["B"].width = 60
    with transaction.atomic():
        audit_record(action="export", by=by, obj=alignment, new={
            "report": "coverage", "covered": report.covered_count, "partial": report.partial_count,
            "uncovered": report.uncovered_count, "unaligned": len(report.unaligned)})
    return workbook
