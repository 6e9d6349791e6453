"""Reading plans: the kexie.plan/1 export, the difference between two versions, the ledger."""

import difflib
import hashlib
import re

from django.core.cache import cache
from django.db.models import Prefetch, Q

from .models import Assignment, AssignmentRole, PlanItem, Target
from .services import FORMAT

_PUNCT = re.compile(r"[\s\u3000，。、；：:;,.!！?？“”\"'‘’《》〈〉()（）\[\]【】—\-·…]+")


def _number(value):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plan_items_with_details(plan):
    return plan.items.order_by("position").prefetch_related(
        Prefetch("targets", queryset=Target.objects.order_by("position", "id")),
        Prefetch("assignments", queryset=Assignment.objects.select_related("organization").order_by("id")),
    )


def plan_to_json(plan) -> dict:
    """The plan in the interchange format, with ``unit_mapping`` so that a corrected file can be
    imported back without mapping the units again."""
    items, mapping = [], {}
    for item in plan_items_with_details(plan):
        lead = [a.unit_name for a in item.assignments.all() if a.role == AssignmentRole.LEAD]
        co = [a.unit_name for a in item.assignments.all() if a.role == AssignmentRole.CO]
        for a in item.assignments.all():
            mapping[a.unit_name] = {"organization": a.organization_id} if a.organization_id else {"unassigned": True}
        items.append({
            "key": item.key, "marker": item.marker, "kind": item.kind, "title": item.title, "text": item.text,
            "lead_units": lead, "co_units": co, "due": item.due.isoformat() if item.due else None,
            "targets": [{
                "text": t.text, "metric": t.metric, "verb": t.verb, "min": _number(t.min_value),
                "max": _number(t.max_value), "unit": t.unit, "due": t.due.isoformat() if t.due else None,
            } for t in item.targets.all()],
            "span": [item.span_start, item.span_end] if item.span_start is not None else None,
        })
    return {
        "format": FORMAT, "source": plan.source_name or None, "title": plan.title, "issuer": plan.issuer or None,
        "doc_number": plan.doc_number or None, "issued_on": plan.issued_on.isoformat() if plan.issued_on else None,
        "period": {"start": plan.period_start.isoformat(), "end": plan.period_end.isoformat()}
        if plan.period_start and plan.period_end else None,
        "items": items, "unit_mapping": mapping,
    }


def _norm(title: str) -> str:
    return _PUNCT.sub("", title or "")


def plan_diff(old_items: list[dict], new_items: list[dict]) -> dict:
    """What a revised plan changes: items added, removed and reworded (titles or text).

    Items are paired first by identical normalised title, then — among the rest — by the most
    similar title at the same depth (ratio ≥ 0.6); what stays unpaired is added or removed.
    """
    def depth(item):
        return str(item["key"]).count(".") + 1

    unmatched_old = list(range(len(old_items)))
    pairs = []
    for j, new in enumerate(new_items):
        for i in unmatched_old:
            if _norm(old_items[i]["title"]) == _norm(new["title"]):
                pairs.append((i, j))
                unmatched_old.remove(i)
                break
    paired_new = {j for _i, j in pairs}
    for j, new in enumerate(new_items):
        if j in paired_new:
            continue
        best, best_ratio = None, 0.6
        for i in unmatched_old:
            if depth(old_items[i]) != depth(new):
                continue
            ratio = difflib.SequenceMatcher(None, _norm(old_items[i]["title"]), _norm(new["title"])).ratio()
            if ratio >= best_ratio:
                best, best_ratio = i, ratio
        if best is not None:
            pairs.append((best, j))
            unmatched_old.remove(best)
            paired_new.add(j)
    reworded, moved = [], []
    for i, j in sorted(pairs, key=lambda p: p[1]):
        old, new = old_items[i], new_items[j]
        if old["title"] != new["title"] or (old.get("text") or "") != (new.get("text") or ""):
            reworded.append({"old": old, "new": new})
        elif str(old["key"]) != str(new["key"]):
            moved.append({"old": old, "new": new})
    return {
        "added": [new_items[j] for j in range(len(new_items)) if j not in paired_new],
        "removed": [old_items[i] for i in unmatched_old],
        "reworded": reworded,
        "moved": moved,
        "unchanged": len(pairs) - len(reworded) - len(moved),
    }


# Sort keys of the ledger (pages, export and API): name -> the fields to order by.
LEDGER_SORTS = {
    "key": ("plan_id", "position"),
    "title": ("title", "plan_id", "position"),
    "due": ("due", "plan_id", "position"),
    "status": ("status", "plan_id", "position"),
    "kind": ("kind", "plan_id", "position"),
    "plan": ("plan__title", "plan_id", "position"),
    "lead": ("lead_name", "plan_id", "position"),
    # Percent complete from the task's status snapshot (kexie.tracking); untracked tasks go last.
    "percent": ("snapshot__percent", "plan_id", "position"),
}


def _ordering(sort: str | None) -> list:
    from django.db.models import F

    name = (sort or "key").strip()
    descending = name.startswith("-")
    fields = LEDGER_SORTS.get(name.lstrip("-"), LEDGER_SORTS["key"])
    # 序号 is the whole (plan, position) pair; other columns break ties in document order.
    directed = fields if name.lstrip("-") == "key" else fields[:1]
    # Items without a deadline (or lead unit) go last whichever way the column is sorted.
    ordered = [F(f).desc(nulls_last=True) if descending else F(f).asc(nulls_last=True) for f in directed]
    return ordered + list(fields[len(directed):])


def ledger_items(user, *, plan=None, organization=None, kind=None, status=None, due_before=None, due_after=None,
                 text=None, colour=None, sort=None, code="plan.view"):
    """Tracked items the user may see, filtered and sorted as the ledger pages, export and API do.

    Without ``plan``, only plans in force are read (a superseded version's items are its
    revision's). ``organization`` matches items with a lead or co-responsible unit anywhere in that
    organisation's subtree (through the closure table). ``colour`` (green / amber / red) matches
    items whose status snapshot (``tracking.TaskSnapshot``) shows that light. ``sort`` is a key of ``LEDGER_SORTS``,
    with a leading "-" for descending order. ``code`` is the permission whose data scope applies
    (plan.view to read, plan.export to export).
    """
    from django.db.models import OuterRef, Subquery

    from kexie.organizations.models import OrganizationClosure

    from .models import TRACKED_KINDS, PlanStatus

    items = PlanItem.objects.restrict(user, code).filter(kind__in=TRACKED_KINDS)
    if plan is not None:
        items = items.filter(plan=plan)
    else:
        # Across plans, a revised plan's tasks appear once: from the version in force.
        items = items.filter(plan__status=PlanStatus.ACTIVE)
    if organization is not None:
        below = OrganizationClosure.objects.filter(ancestor=organization).values("descendant_id")
        # A subquery rather than a join: no duplicate rows, so no DISTINCT that would fight the ordering.
        items = items.filter(pk__in=Assignment.objects.filter(organization_id__in=below).values("item_id"))
    if kind:
        items = items.filter(kind=kind)
    if status:
        items = items.filter(status=status)
    if due_before:
        items = items.filter(due__lte=due_before)
    if due_after:
        items = items.filter(due__gte=due_after)
    if text:
        items = items.filter(Q(title__icontains=text) | Q(text__icontains=text))
    if colour:
        # One snapshot per item: a join on its primary key, no duplicate rows.
        items = items.filter(snapshot__colour=colour)
    if (sort or "").lstrip("-") == "lead":
        items = items.annotate(lead_name=Subquery(
            Assignment.objects.filter(item=OuterRef("pk"), role=AssignmentRole.LEAD).order_by("id")
            .values("unit_name")[:1]))
    # The plan's whole document text rides along with every row otherwise: nobody reading the ledger shows it.
    return items.select_related("plan", "parent").defer("plan__source_text").prefetch_related(
        Prefetch("assignments", queryset=Assignment.objects.select_related("organization").only(
            "item_id", "role", "unit_name", "organization__name", "organization__short_name").order_by("role", "id")),
        Prefetch("targets", queryset=Target.objects.order_by("position", "id")),
    ).order_by(*_ordering(sort))


# How long a ledger count is kept at most; a change to the data retires it sooner (see ledger_count).
COUNT_CACHE_SECONDS = 600


def ledger_count(items, *, user, filters: dict, limit: int | None = None, generation: str | None = None) -> int:
    """How many rows ``items`` holds — ``ledger_items(user, **filters)`` — or, with ``limit``,
    ``limit + 1`` at most (enough to know that there are more).

    The answer is kept in the cache under the data's generation (:mod:`kexie.audit.freshness`:
    every change to plans, items, units or roles writes an audit row, which moves it). Paging
    through a national ledger, or asking the API for it again, does not count the subtree again;
    the first request after a change does. A count that stayed below its limit is exact and
    serves every limit (and the API). ``generation``: the caller's reading of it, if it has one.
    """
    from kexie.audit import freshness

    # Read before counting: a change committed meanwhile leaves the count under the old generation.
    if generation is None:
        generation = freshness.generation()
    described = (generation, user.pk, sorted((name, str(getattr(value, "pk", value)))
                                             for name, value in ({"code": "plan.view"} | filters).items()
                                             if value not in (None, "") and name != "sort"))

    def key(bound):
        return "ledger-count:" + hashlib.sha256(repr((*described, bound)).encode()).hexdigest()

    exact_key, limited_key = key(None), key(limit)
    kept = cache.get_many([exact_key, limited_key])
    if exact_key in kept:
        return kept[exact_key] if limit is None else min(kept[exact_key], limit + 1)
    if limited_key in kept:
        return kept[limited_key]
    # No ORDER BY: with a LIMIT the database stops there. Only the id: the lead unit that sorting by
    # lead annotates would otherwise be looked up for every row counted (SQLite does not prune it).
    rows = items.order_by().values("pk")
    counted = (rows[:limit + 1] if limit is not None else rows).count()
    exact = limit is None or counted <= limit
    cache.set(exact_key if exact else limited_key, counted, COUNT_CACHE_SECONDS)
    return counted


def target_value(target) -> str:
    """A target's value as offices write it: “≥20”, “10”, “3–5”, “≤5” (without the unit)."""
    low, high = _number(target.min_value), _number(target.max_value)
    if low is not None and high is not None:
        return f"{low}" if low == high else f"{low}–{high}"
    if low is not None:
        return f"≥{low}"
    if high is not None:
        return f"≤{high}"
    return ""


def target_label(target) -> str:
    """The target in one short phrase for the ledger: value and unit, e.g. “≥20家”."""
    return f"{target_value(target)}{target.unit}"
