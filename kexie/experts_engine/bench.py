"""Measure the expert engines on the synthetic library (:mod:`.synthetic`).

    python -m kexie.experts_engine.bench [--rank 100000] [--assign 2000] [--draws 1000]

``bench_rank``: build an :class:`~.match.ExpertIndex` over n experts once, then time ``rank``
(k=10, with reasons) for generated demands, and the keyword-only baseline on the same queries.
``bench_assign``: 60 items × 5 reviewers from 2,000 experts, cap 3, with planted conflicts.
``bench_draws``: rounds of planted conflicts of every kind over a 300-expert library: each round
checks conflicts, draws a panel from a seed (and re-runs it), assigns reviewers, and counts
conflicted seats and planted conflicts not reported (both must be 0).
A measurement tool; ``kexie bench run --only experts_rank`` calls these and docs/performance.md
records the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from dataclasses import replace

import numpy as np

from .assign import assign
from .conflicts import check, conflicted_pairs
from .draw import draw, rerun
from .match import ExpertIndex
from .model import Relation, Target, Work
from .synthetic import FIELDS, Library, demand_text, generate, target_for

TODAY = dt.date(2026, 12, 1)
PLANTED = ("self", "same_unit", "parent_unit", "child_unit", "outside_unit", "declared_avoidance",
           "target_avoidance", "relation", "coauthor", "recommender")
_FULL = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def full_width(text: str) -> str:
    """ASCII turned full width (41 → ４１), as names are often typed in Chinese input modes."""
    return text.translate(_FULL)


def planted_case(lib: Library, rng: random.Random, *, n_targets: int = 3, today: dt.date = TODAY):
    """A copy of the library's experts with one conflict of every kind planted per target, the
    targets, and the planted (expert id, target id, code) triples."""
    experts = {e.id: e for e in lib.experts}
    chosen = rng.sample(list(experts), n_targets * len(PLANTED))
    targets, planted = [], set()
    for t_n in range(n_targets):
        tid, nominee = f"T{t_n}", f"N{t_n}"
        path = rng.choice(lib.units)
        name = lib.unit_names[path]
        code = rng.choice(list(FIELDS))
        persons, recommenders, avoided = [nominee], [], []
        for kind, eid in zip(PLANTED, chosen[t_n * len(PLANTED):]):
            e = experts[eid]
            if kind == "self":
                persons.append(eid)
            elif kind == "same_unit":
                e = replace(e, org_path=path, unit=name)
            elif kind == "parent_unit":
                e = replace(e, org_path=path[:3], unit=lib.unit_names[path[:3]])
            elif kind == "child_unit":
                e = replace(e, org_path=path + (f"{path[-1]}-g",), unit=name + "课题组")
            elif kind == "outside_unit":
                e = replace(e, outside_units=e.outside_units + (full_width(name),))
            elif kind == "declared_avoidance":
                e = replace(e, avoid_units=e.avoid_units + (full_width(name),))
            elif kind == "target_avoidance":
                avoided.append(eid)
            elif kind == "relation":
                e = replace(e, relations=e.relations + (Relation(nominee, rng.choice(("亲属", "师生", "同一团队"))),))
            elif kind == "coauthor":
                e = replace(e, works=e.works + (Work("合作论文", today.year - rng.randint(0, 4), (nominee,)),))
            elif kind == "recommender":
                recommenders.append(eid)
            experts[eid] = e
            planted.add((eid, tid, kind))
        targets.append(Target(tid, demand_text(rng, code), disciplines=(code,), industries=(FIELDS[code][0],),
                              org_path=path, units=(name,), person_ids=tuple(persons),
                              recommender_ids=tuple(recommenders), avoid_expert_ids=tuple(avoided)))
    return list(experts.values()), targets, planted


def draws_round(lib: Library, index: ExpertIndex, rng: random.Random, *, k: int = 3, cap: int = 2,
                n_targets: int = 3, today: dt.date = TODAY) -> dict:
    """One round: plant, check, draw (and re-run), assign; what went wrong, counted."""
    experts, targets, planted = planted_case(lib, rng, n_targets=n_targets, today=today)
    conflicts = check(experts, targets, today=today)
    reported = {(c.expert_id, c.target_id, c.reason_code) for c in conflicts}
    pairs = conflicted_pairs(conflicts)
    truth = {(e, t) for e, t, _ in planted}
    barred = {e for e, _t in pairs | truth}
    codes = rng.sample(list(FIELDS), 2)
    conditions = [{"discipline": codes[0][:2], "count": 3}, {"discipline": codes[1], "count": 2}]
    seed = rng.randrange(2**31)
    d = draw(experts, conditions, seed=seed, targets=targets, today=today)
    _again, same = rerun(d, list(reversed(experts)), targets=targets, today=today)
    a = assign([t.id for t in targets], index.ids, index.relevance(targets), k=k, cap=cap, conflicts=pairs)
    return {"missing": len(planted - reported), "planted": len(planted),
            "drawn_conflicted": sum(1 for m in d.members if m in barred),
            "assigned_conflicted": len(a.pairs() & (pairs | truth)),
            "rerun_same": same, "spread": a.spread, "even": a.even}


def bench_draws(rounds: int = 1000, *, n: int = 300, seed: int = 7) -> dict:
    lib = generate(n, seed=seed, today=TODAY, units_per_province=2)
    index = ExpertIndex(lib.experts, today=TODAY)
    rng = random.Random(seed)
    out, times = [], []
    for _ in range(rounds):
        t0 = time.perf_counter()
        out.append(draws_round(lib, index, rng))
        times.append(time.perf_counter() - t0)
    seconds = sum(times)
    return {"rounds": rounds, "experts": n, "seconds": round(seconds, 2),
            "per_round_ms": round(seconds / rounds * 1000, 2),
            "p50_ms": round(float(np.percentile(times, 50)) * 1000, 2),
            "p95_ms": round(float(np.percentile(times, 95)) * 1000, 2),
            "planted": sum(r["planted"] for r in out), "missing": sum(r["missing"] for r in out),
            "drawn_conflicted": sum(r["drawn_conflicted"] for r in out),
            "assigned_conflicted": sum(r["assigned_conflicted"] for r in out),
            "reruns_identical": sum(r["rerun_same"] for r in out),
            "max_spread": max(r["spread"] for r in out), "uneven": sum(not r["even"] for r in out)}


def bench_assign(*, n: int = 2000, items: int = 60, k: int = 5, cap: int = 3, seed: int = 3) -> dict:
    lib = generate(n, seed=seed, today=TODAY)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    index = ExpertIndex(lib.experts, today=TODAY)
    index_s = time.perf_counter() - t0
    targets = []
    for i in range(items):
        t = target_for(rng, rng.choice(list(FIELDS)), f"I{i:03d}")
        # a unit under review and a recommender from the library: real conflicts to respect
        path = rng.choice(lib.units)
        targets.append(replace(t, org_path=path, units=(lib.unit_names[path],),
                               recommender_ids=(rng.choice(lib.experts).id,)))
    started = time.perf_counter()
    rel = index.relevance(targets)
    pairs = conflicted_pairs(check(lib.experts, targets, today=TODAY))
    prepared = time.perf_counter()
    a = assign([t.id for t in targets], index.ids, rel, k=k, cap=cap, conflicts=pairs)
    done = time.perf_counter()
    return {"experts": n, "items": items, "k": k, "cap": cap, "conflicts": len(pairs),
            "index_s": round(index_s, 3), "prepare_s": round(prepared - started, 3), "assign_s": round(done - prepared, 3),
            "total_s": round(done - started, 3), "spread": a.spread, "even": a.even,
            "reviewers_used": len(a.loads), "conflicted": len(a.pairs() & pairs),
            "mean_relevance": round(a.total / (items * k), 4)}


def bench_rank(n: int = 100_000, *, queries: int = 200, seed: int = 11) -> dict:
    started = time.perf_counter()
    lib = generate(n, seed=seed, today=TODAY)
    generated = time.perf_counter()
    index = ExpertIndex(lib.experts, today=TODAY)
    built = time.perf_counter()
    rng = random.Random(seed + 1)
    targets = [target_for(rng, rng.choice(list(FIELDS)), f"Q{i}") for i in range(queries)]
    index.rank(targets[0], k=10)
    ours, base, hits = [], [], 0
    for t in targets:
        t0 = time.perf_counter()
        top = index.rank(t, k=10)
        t1 = time.perf_counter()
        index.rank_keywords(t, k=10)
        t2 = time.perf_counter()
        ours.append(t1 - t0)
        base.append(t2 - t1)
        hits += sum(lib.field_of[r.expert_id] == t.disciplines[0] for r in top)

    def pct(xs, q):
        return round(float(np.percentile(np.array(xs) * 1000, q)), 2)

    return {"experts": n, "queries": queries, "generate_s": round(generated - started, 1),
            "build_s": round(built - generated, 1), "p50_ms": pct(ours, 50), "p95_ms": pct(ours, 95),
            "keywords_p50_ms": pct(base, 50), "keywords_p95_ms": pct(base, 95),
            "same_field_at_10": round(hits / (10 * queries), 3)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rank", type=int, default=100_000)
    parser.add_argument("--assign", type=int, default=2000)
    parser.add_argument("--draws", type=int, default=1000)
    args = parser.parse_args(argv)
    print(json.dumps({"draws": bench_draws(args.draws), "assign": bench_assign(n=args.assign),
                      "rank": bench_rank(args.rank)}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
