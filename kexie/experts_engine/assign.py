"""Optimal assignment of reviewers to items (评审分配): k reviewers per item, a load cap per
reviewer, conflicts as hard constraints, the most relevance in total, the load spread evenly.

Solved as one mixed-integer programme by HiGHS through :func:`scipy.optimize.milp`:

* ``x[i, j]`` ∈ {0, 1}: reviewer j reviews item i, only for pairs without a conflict;
* ``y[j]`` ∈ {0, 1}: reviewer j is used; ``m`` (integer): the least load of a used reviewer;
* Σ_j x[i, j] = k for every item; y[j] ≤ Σ_i x[i, j] ≤ cap[j]·y[j] for every reviewer;
* even load: Σ_i x[i, j] ≤ m + 1 and Σ_i x[i, j] ≥ m − cap[j]·(1 − y[j]);
* maximise Σ relevance[i, j]·x[i, j] (less a tiny tie-break towards lower reviewer positions,
  so equal scores always give the same answer).

What is guaranteed: every item gets exactly ``k`` distinct reviewers, none conflicted, none over
its cap. When ``even=True`` and an even solution exists, the loads of the reviewers used differ by
at most 1 (max − min ≤ 1); when none exists but an uneven one does, the result says
``even=False`` and holds the best uneven one. Nothing is promised about reviewers not used (load
0): the rule may make the solver use fewer reviewers rather than a better one whose load would
stand 2 below the others'. The relevance is optimal among each item's candidates (below) to
HiGHS's relative gap of 1e-6, unless ``time_limit`` (per solve) runs out, in which case the best
solution found so far is returned.

To stay fast on large libraries each item only considers its ``candidates`` best reviewers
(by relevance, conflicted ones excluded); if that restriction makes the problem infeasible it is
solved again over all pairs, so pruning never turns a feasible problem into a refusal (it may cost
a little relevance). An infeasible problem raises :class:`Infeasible` naming the items that lack
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


def _solve(rows, cols, gains, n_items, n_rev, k, caps, even, time_limit):
    """The MILP over the allowed pairs (rows[p], cols[p]): the chosen pair mask, None when
    infeasible, "timeout" when the time limit ran out before any solution was found."""
    n_pairs = len(rows)
    used = np.unique(cols)
    y_of = {j: n for n, j in enumerate(used)}
    n_y = len(used)
    n_var = n_pairs + n_y + 1
    c = np.zeros(n_var)
    # A tie-break far below any real difference of relevance (scores are rounded to 1e-6).
    c[:n_pairs] = -(gains - 1e-9 * cols / max(n_rev, 1))
    mats, lo, hi = [], [], []
    # each item exactly k
    mats.append(sparse.csr_matrix((np.ones(n_pairs), (rows, np.arange(n_pairs))), shape=(n_items, n_var)))
    lo.append(np.full(n_items, k))
    hi.append(np.full(n_items, k))
    load = sparse.csr_matrix((np.ones(n_pairs), ([y_of[j] for j in cols], np.arange(n_pairs))),
                             shape=(n_y, n_var))
    ycol = sparse.csr_matrix((np.ones(n_y), (np.arange(n_y), n_pairs + np.arange(n_y))), shape=(n_y, n_var))
    cap_u = caps[used].astype(float)
    # load - y >= 0 ; load - cap*y <= 0
    mats.append(load - ycol)
    lo.append(np.zeros(n_y))
    hi.append(np.full(n_y, np.inf))
    mats.append(load - sparse.diags(cap_u) @ ycol)
    lo.append(np.full(n_y, -np.inf))
    hi.append(np.zeros(n_y))
    m_col = sparse.csr_matrix((np.ones(n_y), (np.arange(n_y), np.full(n_y, n_var - 1))), shape=(n_y, n_var))
    if even:
        # load - m <= 1 ; load - m - cap*y >= -cap
        mats.append(load - m_col)
        lo.append(np.full(n_y, -np.inf))
        hi.append(np.ones(n_y))
        mats.append(load - m_col - sparse.diags(cap_u) @ ycol)
        lo.append(-cap_u)
        hi.append(np.full(n_y, np.inf))
    constraint = LinearConstraint(sparse.vstack(mats).tocsr(), np.concatenate(lo), np.concatenate(hi))
    upper = np.ones(n_var)
    upper[-1] = float(caps.max()) if even else 0
    integrality = np.ones(n_var)
    res = milp(c, constraints=constraint, integrality=integrality, bounds=Bounds(np.zeros(n_var), upper),
               options={"time_limit": time_limit, "mip_rel_gap": 1e-6})
    if res.x is None or res.status not in (0, 1):
        # status 1 without a solution: the time limit ran out before any was found
        return "timeout" if res.status == 1 else None
    return res.x[:n_pairs] > 0.5


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

    per_item = candidates or max(4 * k, 40)
    pruned = allowed.copy()
    if per_item < n_rev:
        masked = np.where(allowed, rel, -np.inf)
        # keep each item's best per_item reviewers (ties by position)
        order = np.lexsort((np.broadcast_to(np.arange(n_rev), masked.shape), -masked), axis=1)
        keep = np.zeros_like(allowed)
        np.put_along_axis(keep, order[:, :per_item], True, axis=1)
        pruned &= keep

    attempts = [(pruned, even), (allowed, even)] if per_item < n_rev else [(allowed, even)]
    if even:
        attempts += [(pruned, False), (allowed, False)] if per_item < n_rev else [(allowed, False)]
    timed_out = False
    for mask, want_even in attempts:
        rows, cols = np.nonzero(mask)
        chosen = _solve(rows, cols, rel[rows, cols], n_items, n_rev, k, caps, want_even, time_limit)
        if isinstance(chosen, str):
            timed_out = True
        elif chosen is not None:
            break
    else:
        raise Infeasible([Shortage("timeout")] if timed_out else [])
    out: dict = {i: [] for i in items}
    loads: dict = {}
    total = 0.0
    for r_i, r_j in sorted(zip(rows[chosen], cols[chosen]), key=lambda p: (p[0], -rel[p[0], p[1]], p[1])):
        out[items[r_i]].append(reviewers[r_j])
        loads[reviewers[r_j]] = loads.get(reviewers[r_j], 0) + 1
        total += rel[r_i, r_j]
    loads = {r: loads[r] for r in reviewers if r in loads}
    return Assignment(out, loads, round(float(total), 6), want_even, mask is pruned)
