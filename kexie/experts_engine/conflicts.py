"""Conflicts of interest (回避): every reason an expert may not review a target, named.

``check(experts, targets, today=..., coauthor_years=5)`` returns one :class:`Conflict` per
(expert, target, reason): a pair with three reasons gives three conflicts, so a review record can
show all of them. The rules, each with its stable ``reason_code``:

``self``               the expert is one of the people reviewed (nominee, applicant, author);
``same_unit``          the expert's ``org_path`` equals the target's, or the expert's unit is
                       one of the target's units by name (the nominee's employer);
``parent_unit``        the expert's unit is an ancestor of the target's in the organisation tree;
``child_unit``         the expert's unit is below the target's;
``outside_unit``       a unit where the expert holds another post is one of the target's units;
``office_holder``      the expert's name is among those holding office in the unit under review
                       (its current council), with the post;
``declared_avoidance`` the expert asked to avoid one of the target's units;
``target_avoidance``   the applicant asked to avoid this expert, or the expert's unit or one of
                       the expert's outside units;
``relation``           the expert declared a relation (亲属, 师生, 同一团队 …) to a person reviewed;
``coauthor``           a work of the last ``coauthor_years`` years (by year, inclusive) has the
                       expert and a person reviewed among its authors, whichever side lists it;
``recommender``        the expert recommended a person reviewed.

Unit names are compared folded (:func:`~.model.fold_name`). Tree paths are compared as given,
so the caller decides where they start: paths from the national root make the root's own staff
ancestors of everything, which is usually meant for a review run by that root but not across a
whole library; pass paths from the legal-person unit down when that is the rule.
Each check goes through dictionaries keyed by the target side, so the cost grows with the
number of experts and targets, not their product.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from .messages import CONFLICTS
from .model import Expert, Target, fold_name

__all__ = ["CODES", "Conflict", "check", "conflicted_pairs"]

CODES = tuple(CONFLICTS)


@dataclass(frozen=True)
class Conflict:
    """One reason why ``expert_id`` may not review ``target_id``; ``detail`` holds the names."""

    expert_id: Hashable
    target_id: Hashable
    reason_code: str
    detail: dict = field(default_factory=dict, hash=False, compare=False)

    def message(self) -> str:
        """The default Chinese sentence for this conflict."""
        values = {"unit": "", "person": "", "kind": "", "years": "", "title": "", **self.detail}
        return CONFLICTS[self.reason_code].format(**values)

    def to_dict(self) -> dict:
        return {"expert_id": self.expert_id, "target_id": self.target_id, "reason_code": self.reason_code,
                "detail": dict(self.detail), "message": self.message()}


def conflicted_pairs(conflicts: Iterable[Conflict]) -> set[tuple[Hashable, Hashable]]:
    """The (expert_id, target_id) pairs that have at least one conflict."""
    return {(c.expert_id, c.target_id) for c in conflicts}


def _recent(work, since: int) -> bool:
    return work.year is not None and work.year >= since


def check(experts: Iterable[Expert], targets: Iterable[Target], *, today: dt.date,
          coauthor_years: int = 5) -> list[Conflict]:
    """Every conflict between ``experts`` and ``targets``, in expert order then target order
    then the order of the rules above; a reason is reported once per pair."""
    targets = list(targets)
    since = today.year - coauthor_years
    order = {id(t): n for n, t in enumerate(targets)}

    by_person: dict = defaultdict(list)        # person reviewed -> targets
    by_recommender: dict = defaultdict(list)
    by_path: dict = defaultdict(list)          # exact org path -> targets
    by_ancestor: dict = defaultdict(list)      # every proper prefix of a target's path -> targets
    by_unit: dict = defaultdict(list)          # folded unit name -> (target, name)
    by_avoided_unit: dict = defaultdict(list)
    by_avoided_expert: dict = defaultdict(list)
    by_work_coauthor: dict = defaultdict(list)  # coauthor on a reviewed person's recent work
    by_holder: dict = defaultdict(list)        # folded name of an office holder -> (target, post)
    for t in targets:
        for p in dict.fromkeys(t.person_ids):
            by_person[p].append(t)
        for p in dict.fromkeys(t.recommender_ids):
            by_recommender[p].append(t)
        if t.org_path:
            path = tuple(t.org_path)
            by_path[path].append(t)
            for depth in range(1, len(path)):
                by_ancestor[path[:depth]].append(t)
        for name in t.units:
            by_unit[fold_name(name)].append((t, name))
        for name in t.avoid_units:
            by_avoided_unit[fold_name(name)].append((t, name))
        for e in dict.fromkeys(t.avoid_expert_ids):
            by_avoided_expert[e].append(t)
        for name, post in t.office_holders:
            if fold_name(name):
                by_holder[fold_name(name)].append((t, post))
        for w in t.works:
            if _recent(w, since):
                for c in w.coauthor_ids:
                    by_work_coauthor[c].append((t, w))

    out: list[Conflict] = []
    for e in experts:
        found: dict = {}  # (target position, rule position) -> Conflict; first reason kept

        def add(t: Target, code: str, **detail) -> None:
            key = (order[id(t)], CODES.index(code))
            if key not in found:
                found[key] = Conflict(e.id, t.id, code, detail)

        for t in by_person.get(e.id, ()):
            add(t, "self")
        if e.org_path:
            path = tuple(e.org_path)
            for t in by_path.get(path, ()):
                add(t, "same_unit")
            for t in by_ancestor.get(path, ()):
                add(t, "parent_unit")
            for depth in range(1, len(path)):
                for t in by_path.get(path[:depth], ()):
                    add(t, "child_unit")
        if e.unit:
            for t, _unit in by_unit.get(fold_name(e.unit), ()):
                add(t, "same_unit")
        for name in e.outside_units:
            for t, unit in by_unit.get(fold_name(name), ()):
                add(t, "outside_unit", unit=unit)
        if e.name and fold_name(e.name):
            for t, post in by_holder.get(fold_name(e.name), ()):
                add(t, "office_holder", title=post)
        for name in e.avoid_units:
            for t, unit in by_unit.get(fold_name(name), ()):
                add(t, "declared_avoidance", unit=unit)
        for t in by_avoided_expert.get(e.id, ()):
            add(t, "target_avoidance", unit=e.name or str(e.id))
        for name in (e.unit, *e.outside_units):
            if name:
                for t, unit in by_avoided_unit.get(fold_name(name), ()):
                    add(t, "target_avoidance", unit=unit)
        for r in e.relations:
            for t in by_person.get(r.person_id, ()):
                add(t, "relation", person=r.person_id, kind=r.kind)
        for w in e.works:
            if _recent(w, since):
                for c in w.coauthor_ids:
                    for t in by_person.get(c, ()):
                        add(t, "coauthor", person=c, years=coauthor_years, title=w.title)
        for t, w in by_work_coauthor.get(e.id, ()):
            person = t.person_ids[0] if t.person_ids else t.id
            add(t, "coauthor", person=person, years=coauthor_years, title=w.title)
        for t in by_recommender.get(e.id, ()):
            add(t, "recommender", person="、".join(str(p) for p in t.person_ids) or str(t.id))
        out.extend(found[key] for key in sorted(found))
    return out
