"""Reproducible random draws of experts (专家抽取) under conditions, with alternates (候补).

``draw(experts, conditions, seed=..., targets=..., today=...)`` takes the active experts that
have no conflict with any target (:func:`~.conflicts.check`), orders them by id, and for each
condition in turn takes those that meet it and were not drawn by an earlier condition, shuffled
by the seed: each expert's place is the SHA-256 of ``"<seed>|<condition number>|<id>"``. That
order depends only on the seed, the condition's position and the ids, never on the Python or
numpy version or on the order the pool arrived in, so a draw re-run from its stored seed over the
same pool gives the same panel. The first ``count`` are the members, the next ``alternates`` the
alternates in order. The result records the pool size and a SHA-256 of the sorted pool ids, so a
re-run (:func:`rerun`) can show the pool was the same.

``call_alternate(draw, declined_id)`` records that a member declined and returns the next
unused alternate of that member's condition. Sealing the result until the meeting opens it is
the Django app's business; :meth:`Draw.to_dict` / :meth:`Draw.from_dict` keep it as JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from .conflicts import check
from .messages import DRAW_SHORT
from .model import ACTIVE, Expert, Target, id_key

__all__ = ["Condition", "Draw", "Panel", "NoAlternate", "call_alternate", "draw", "pool_hash", "rerun"]


@dataclass(frozen=True)
class Condition:
    """Who may fill ``count`` seats: codes are prefixes ("48" takes 4801 and 4805), ``region``
    a code prefix or an exact name, ``level``/``library`` exact; empty means any."""

    count: int
    discipline: str = ""
    industry: str = ""
    region: str = ""
    level: str = ""
    library: str = ""
    alternates: int | None = None

    @classmethod
    def of(cls, value: Condition | Mapping) -> Condition:
        return value if isinstance(value, Condition) else cls(**dict(value))

    def accepts(self, e: Expert) -> bool:
        return ((not self.discipline or any(c.startswith(self.discipline) for c in e.disciplines))
                and (not self.industry or any(c.startswith(self.industry) for c in e.industries))
                and (not self.region or e.region.startswith(self.region) or e.region == self.region)
                and (not self.level or e.level == self.level)
                and (not self.library or e.library == self.library))

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}


@dataclass(frozen=True)
class Panel:
    """What one condition gave: members, alternates in order, and who replaced whom."""

    members: tuple = ()
    alternates: tuple = ()
    available: int = 0
    replaced: tuple = ()  # ((declined id, alternate id), ...) in the order called


@dataclass(frozen=True)
class Draw:
    seed: int
    conditions: tuple[Condition, ...]
    panels: tuple[Panel, ...]
    pool_size: int
    pool_hash: str
    excluded: int = 0  # active experts left out of the pool: a conflict or exclude_ids

    @property
    def members(self) -> list:
        """The current panel: each condition's members, declined ones replaced, in order."""
        out = []
        for p in self.panels:
            out.extend(p.members)
        return out

    def shortages(self) -> list[str]:
        """One Chinese sentence per condition that could not be filled."""
        return [DRAW_SHORT.format(condition=n + 1, available=p.available, needed=c.count)
                for n, (c, p) in enumerate(zip(self.conditions, self.panels)) if p.available < c.count]

    def to_dict(self) -> dict:
        return {"seed": self.seed, "pool_size": self.pool_size, "pool_hash": self.pool_hash,
                "excluded": self.excluded, "conditions": [c.to_dict() for c in self.conditions],
                "panels": [{"members": list(p.members), "alternates": list(p.alternates),
                            "available": p.available, "replaced": [list(r) for r in p.replaced]}
                           for p in self.panels]}

    @classmethod
    def from_dict(cls, data: Mapping) -> Draw:
        return cls(seed=int(data["seed"]), conditions=tuple(Condition.of(c) for c in data["conditions"]),
                   panels=tuple(Panel(tuple(p["members"]), tuple(p["alternates"]), int(p["available"]),
                                      tuple(tuple(r) for r in p.get("replaced", ())))
                                for p in data["panels"]),
                   pool_size=int(data["pool_size"]), pool_hash=data["pool_hash"],
                   excluded=int(data.get("excluded", 0)))


class NoAlternate(LookupError):
    """The declined expert's condition has no alternate left."""


def pool_hash(ids: Iterable[Hashable]) -> str:
    """SHA-256 of the ids in :func:`~.model.id_key` order, one per line."""
    ordered = sorted(ids, key=id_key)
    return hashlib.sha256("\n".join(f"{type(i).__name__}:{i}" for i in ordered).encode()).hexdigest()


def _place(seed: int, condition: int, expert_id: Hashable) -> bytes:
    return hashlib.sha256(f"{seed}|{condition}|{type(expert_id).__name__}:{expert_id}".encode()).digest()


def draw(experts: Iterable[Expert], conditions: Sequence[Condition | Mapping], *, seed: int,
         targets: Sequence[Target] = (), today: dt.date | None = None, coauthor_years: int = 5,
         conflicts: Iterable[tuple[Hashable, Hashable]] | None = None, alternates: int = 2,
         exclude_ids: Iterable[Hashable] = ()) -> Draw:
    """Draw a panel. ``conflicts`` ((expert id, target id) pairs) may be given; otherwise they
    are computed from ``targets`` (which then needs ``today``). An expert in conflict with any
    target, not active, or in ``exclude_ids`` is not in the pool. A condition that cannot be
    filled takes everyone it can; :meth:`Draw.shortages` says so."""
    conds = tuple(Condition.of(c) for c in conditions)
    experts = [e for e in experts if e.status == ACTIVE]
    if conflicts is None:
        if targets and today is None:
            raise ValueError("today is needed to check conflicts with the targets")
        conflicts = check(experts, targets, today=today, coauthor_years=coauthor_years) if targets else ()
        barred = {c.expert_id for c in conflicts}
    else:
        barred = {e for e, _t in conflicts}
    barred |= set(exclude_ids)
    pool = sorted((e for e in experts if e.id not in barred), key=lambda e: id_key(e.id))
    taken: set = set()
    panels = []
    for n, cond in enumerate(conds):
        eligible = [e.id for e in pool if e.id not in taken and cond.accepts(e)]
        eligible.sort(key=lambda eid: _place(seed, n, eid))
        want = cond.alternates if cond.alternates is not None else alternates
        members = tuple(eligible[:cond.count])
        alts = tuple(eligible[cond.count:cond.count + want])
        taken.update(members, alts)
        panels.append(Panel(members, alts, len(eligible)))
    return Draw(seed, conds, tuple(panels), len(pool), pool_hash(e.id for e in pool),
                len(experts) - len(pool))


def rerun(stored: Draw, experts: Iterable[Expert], **kwargs) -> tuple[Draw, bool]:
    """Draw again from ``stored``'s seed and conditions; returns the new draw and whether it is
    the same (same pool hash and the same members and alternates, before any replacement)."""
    again = draw(experts, stored.conditions, seed=stored.seed, **kwargs)
    same = again.pool_hash == stored.pool_hash and all(
        _original(p) == (q.members, q.alternates) for p, q in zip(stored.panels, again.panels))
    return again, same


def _original(p: Panel) -> tuple[tuple, tuple]:
    """A panel's members and alternates as drawn, undoing the replacements."""
    members = list(p.members)
    called = []
    for declined, alternate in reversed(p.replaced):
        members[members.index(alternate)] = declined
        called.insert(0, alternate)
    return tuple(members), tuple(called) + tuple(p.alternates)


def call_alternate(stored: Draw, declined_id: Hashable) -> tuple[Draw, Hashable]:
    """The draw with ``declined_id`` replaced by the next alternate of its condition, and that
    alternate's id. Raises ``KeyError`` if the expert is not a member, :class:`NoAlternate`
    when the condition has none left."""
    for n, p in enumerate(stored.panels):
        if declined_id in p.members:
            if not p.alternates:
                raise NoAlternate(declined_id)
            nxt = p.alternates[0]
            members = tuple(nxt if m == declined_id else m for m in p.members)
            panel = replace(p, members=members, alternates=p.alternates[1:],
                            replaced=p.replaced + ((declined_id, nxt),))
            panels = stored.panels[:n] + (panel,) + stored.panels[n + 1:]
            return replace(stored, panels=panels), nxt
    raise KeyError(declined_id)

