"""Optimal assignment of reviewers to items (评审分配): k reviewers per item, a load cap per
reviewer, conflicts as hard constraints, the most relevance in total, the load spread evenly.

Solved as one mixed-integer programme by HiGHS through :func:`scipy.optimize.milp`:

* ``x[i, j]`` ∈ {0, 1}: reviewer j reviews item i, only for pairs without a conflict;
* Σ_j x[i, j] = k for every item; Σ_i x[i, j] ≤ cap[j] for every reviewer;
* maximise Σ relevance[i, j]·x[i, j] (less a tiny tie-break towards lower reviewer positions,
  so equal scores always give the same answer).

Even load (``even=True``, the default) is sought as the smallest *least load* m = 1, 2, … for
which an assignment exists where every reviewer used takes m or m + 1 items (and no more than
its cap): for m = 1 that is just a cap of min(cap, 2) — a transportation problem, whose matrix
is totally unimodular, so HiGHS solves it at the root in a fraction of a second even for
60 × 2,000; for m ≥ 2 a binary "used" per reviewer adds m·used ≤ load ≤ (m + 1)·used.

What is guaranteed: every item gets exactly ``k`` distinct reviewers, none conflicted, none over
its cap. With ``even=True``, if any assignment has loads differing by at most 1 among the
reviewers used, the result is one (``even=True``, max − min ≤ 1), with the smallest such
least load m (the load spread over as many reviewers as the library allows) and, for that m,
the most total relevance. Otherwise it is the best assignment under the caps alone and says
``even=False``. So a large library gives loads of 1 and 2 even when caps allow more: the even
rule trades a little relevance (a reviewer's third item) for spreading the work. Reviewers not
used (load 0) are outside the rule. Relevance is optimal among each item's candidates (below) to
HiGHS's relative gap of 1e-6, unless ``time_limit`` (per solve) runs out, in which case the best
solution found so far is returned.

To stay fast on large libraries each item first considers only its ``candidates`` best
reviewers (by relevance, conflicted ones excluded), widened four times over while the reviewers
kept could not hold 1.5 × the work or the problem is infeasible, up to all pairs: pruning never
turns a feasible problem into a refusal (it may cost a little relevance). An infeasible problem raises :class:`Infeasible` naming the items that lack
reviewers, or the lack of capacity, or that only the combination fails.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from .messages import INFEASIBLE

__all__ = ["Assignment", "Infeasible", "Shortage", "assign"]


@dataclass(frozen=True)
class Shortage:
    """An item with fewer conflict-free reviewers than it needs (``item_id`` None: capacity)."""

    code: str
    item_id: Hashable | None = None
    available: int = 0
    needed: int = 0
    capacity: int = 0

    def message(self) -> str:
        return INFEASIBLE[self.code].format(item=self.item_id, available=self.available, needed=self.needed,
                                            capacity=self.capacity)


class Infeasible(ValueError):
    """No assignment meets the constraints; ``shortages`` says where (may be empty when only
    the combination fails: enough reviewers per item, but not all at once under the caps)."""

    def __init__(self, shortages: Sequence[Shortage]):
        self.shortages = list(shortages) or [Shortage("solver")]
        super().__init__("；".join(s.message() for s in self.shortages))


@dataclass(frozen=True)
class Assignment:
    """The reviewers of each item (best first), the loads and what was achieved."""

    reviewers: dict = field(default_factory=dict)   # item id -> [reviewer ids]
    loads: dict = field(default_factory=dict)       # reviewer id -> number of items (used ones)
    total: float = 0.0
    even: bool = True
    pruned: bool = True

    @property
    def spread(self) -> int:
        return max(self.loads.values()) - min(self.loads.values()) if self.loads else 0

    def pairs(self) -> set[tuple[Hashable, Hashable]]:
        """(reviewer id, item id) pairs, in the orientation of the conflict pairs."""
        return {(r, i) for i, rs in self.reviewers.items() for r in rs}

    def to_dict(self) -> dict:
        return {"reviewers": {str(i): list(r) for i, r in self.reviewers.items()},
                "loads": {str(r): n for r, n in self.loads.items()}, "total": self.total,
                "even": self.even, "spread": self.spread}


def _solve(rows, cols, gains, n_items, n_rev, k, upper_caps, least, time_limit):
    """The MILP over the allowed pairs (rows[p], cols[p]): the chosen pair mask, None when
    infeasible, "timeout" when the time limit ran out before any solution was found.

    ``upper_caps`` bounds each reviewer's load; ``least`` (> 1) is the load every reviewer used
    must reach, modelled with a binary "used" per reviewer. Without it (None or 1) the problem is
    a transportation problem, whose constraint matrix is totally unimodular: HiGHS solves it at
    the root, which is what makes a 60 × 2,000 problem take a fraction of a second.
    """
    n_pairs = len(rows)
    used = np.unique(cols)
    y_of = np.full(n_rev, -1)
    y_of[used] = np.arange(len(used))
    n_y = len(used) if least and least > 1 else 0
    n_var = n_pairs + n_y
    c = np.zeros(n_var)
    # A tie-break far below any real difference of relevance (scores are rounded to 1e-6).
    c[:n_pairs] = -(gains - 1e-9 * cols / max(n_rev, 1))
    per_item = sparse.csr_matrix((np.ones(n_pairs), (rows, np.arange(n_pairs))), shape=(n_items, n_var))
    load = sparse.csr_matrix((np.ones(n_pairs), (y_of[cols], np.arange(n_pairs))), shape=(len(used), n_var))
    cap_u = upper_caps[used].astype(float)
    mats, lo, hi = [per_item], [np.full(n_items, k)], [np.full(n_items, k)]
    if n_y:
        ycol = sparse.csr_matrix((np.ones(n_y), (np.arange(n_y), n_pairs + np.arange(n_y))), shape=(n_y, n_var))
        # least·y ≤ load ≤ cap·y
        mats += [load - least * ycol, load - sparse.diags(cap_u) @ ycol]
        lo += [np.zeros(n_y), np.full(n_y, -np.inf)]
        hi += [np.full(n_y, np.inf), np.zeros(n_y)]
    else:
        mats.append(load)
        lo.append(np.zeros(len(used)))
        hi.append(cap_u)
    constraint = LinearConstraint(sparse.vstack(mats).tocsr(), np.concatenate(lo), np.concatenate(hi))
    res = milp(c, constraints=constraint, integrality=np.ones(n_var), bounds=Bounds(0, 1),
               options={"time_limit": time_limit, "mip_rel_gap": 1e-6})
    if res.x is None or res.status not in (0, 1):
        # status 1 without a solution: the time limit ran out before any was found
        return "timeout" if res.status == 1 else None
    return res.x[:n_pairs] > 0.5


def _best_per_item(allowed: np.ndarray, rel: np.ndarray, count: int) -> np.ndarray:
    """``allowed`` narrowed to each item's ``count`` most relevant reviewers (ties by position)."""
    n_rev = allowed.shape[1]
    if count >= n_rev:
        return allowed
    masked = np.where(allowed, rel, -np.inf)
    order = np.lexsort((np.broadcast_to(np.arange(n_rev), masked.shape), -masked), axis=1)
    keep = np.zeros_like(allowed)
    np.put_along_axis(keep, order[:, :count], True, axis=1)
    return allowed & keep


def _solve_widening(allowed, rel, k, upper_caps, least, start, time_limit):
    """Solve over each item's ``start`` best reviewers, widening (×4) while that is infeasible or
    while the reviewers kept cannot hold 1.5 × the work, up to all pairs. Returns (rows, cols,
    chosen mask, whether narrowed) or the failure (None or "timeout") in place of the mask."""
    n_items, n_rev = allowed.shape
    need = n_items * k
    count = start
    while True:
        mask = _best_per_item(allowed, rel, count)
        if count < n_rev and upper_caps[np.flatnonzero(mask.any(axis=0))].sum() < 1.5 * need:
            count *= 4
            continue
        rows, cols = np.nonzero(mask)
        chosen = _solve(rows, cols, rel[rows, cols], n_items, n_rev, k, upper_caps, least, time_limit)
        if chosen is not None and not isinstance(chosen, str):
            return rows, cols, chosen, count < n_rev
        if count >= n_rev:
            return rows, cols, chosen, False
        count *= 4


def assign(items: Sequence[Hashable], reviewers: Sequence[Hashable], relevance, *, k: int,
           cap: int | Mapping[Hashable, int], conflicts: Iterable[tuple[Hashable, Hashable]] = (),
           even: bool = True, candidates: int | None = None, time_limit: float = 30.0) -> Assignment:
    """Assign ``k`` reviewers to each of ``items``.

    ``relevance`` is an (items × reviewers) array (e.g. :meth:`~.match.ExpertIndex.relevance`);
    ``cap`` the most items per reviewer, one number or per reviewer id (missing ids: 0);
    ``conflicts`` (reviewer id, item id) pairs that must not be assigned (see
    :func:`~.conflicts.conflicted_pairs`). ``candidates`` per item default to max(4k, 40).
    Raises :class:`Infeasible` when no assignment exists.
    """
    items, reviewers = list(items), list(reviewers)
    n_items, n_rev = len(items), len(reviewers)
    rel = np.asarray(relevance, dtype=float).reshape(n_items, n_rev) if n_items else np.zeros((0, n_rev))
    rel = np.where(np.isfinite(rel), rel, 0.0).round(6)
    if isinstance(cap, Mapping):
        caps = np.array([int(cap.get(r, 0)) for r in reviewers])
    else:
        caps = np.full(n_rev, int(cap))
    allowed = np.ones((n_items, n_rev), bool)
    allowed[:, caps <= 0] = False
    item_pos = {i: n for n, i in enumerate(items)}
    rev_pos = {r: n for n, r in enumerate(reviewers)}
    for r, i in conflicts:
        if r in rev_pos and i in item_pos:
            allowed[item_pos[i], rev_pos[r]] = False
    shortages = [Shortage("short", items[n], int(allowed[n].sum()), k)
                 for n in range(n_items) if allowed[n].sum() < k]
    if caps.clip(min=0).sum() < n_items * k:
        shortages.append(Shortage("capacity", None, capacity=int(caps.clip(min=0).sum()), needed=n_items * k))
    if shortages:
        raise Infeasible(shortages)
    if n_items == 0 or k == 0:
        return Assignment({i: [] for i in items}, {}, 0.0, True, False)

    start = candidates or max(4 * k, 40)
    best = None
    timed_out = False
    if even:
        # The smallest least load m that works: each reviewer used takes m or m + 1 items (within
        # its cap). m = 1 needs no binary per reviewer and is the answer whenever the library
        # holds enough conflict-free reviewers; larger m are tried only when it is not.
        for least in range(1, int(caps.max()) + 1):
            upper = np.minimum(caps, least + 1)
            upper[caps < least] = 0
            ok = allowed & (upper > 0)[None, :]
            if upper.sum() < n_items * k or (ok.sum(axis=1) < k).any():
                continue
            rows, cols, chosen, narrowed = _solve_widening(ok, rel, k, upper, least, start, time_limit)
            if isinstance(chosen, str):
                timed_out = True
            elif chosen is not None:
                best = (rows, cols, chosen, narrowed, True)
                break
    if best is None:
        rows, cols, chosen, narrowed = _solve_widening(allowed, rel, k, caps, None, start, time_limit)
        if chosen is None or isinstance(chosen, str):
            raise Infeasible([Shortage("timeout")] if timed_out or isinstance(chosen, str) else [])
        best = (rows, cols, chosen, narrowed, False)
    rows, cols, chosen, narrowed, is_even = best
    out: dict = {i: [] for i in items}
    loads: dict = {}
    total = 0.0
    for r_i, r_j in sorted(zip(rows[chosen], cols[chosen]), key=lambda p: (p[0], -rel[p[0], p[1]], p[1])):
        out[items[r_i]].append(reviewers[r_j])
        loads[reviewers[r_j]] = loads.get(reviewers[r_j], 0) + 1
        total += rel[r_i, r_j]
    loads = {r: loads[r] for r in reviewers if r in loads}
    return Assignment(out, loads, round(float(total), 6), is_even, narrowed)
