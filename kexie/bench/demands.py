"""Benchmark 9: the demand funnel of the national root over 100,000 demands (issue 15: ≤ 200 ms p95).

Inside a transaction it rolls back, a network of its own (a root, 31 provinces, 10 cities each
and 5 counties each) holds 100,000 demands written in bulk, deterministic from a seed, at every
stage: merged duplicates, returned ones, accepted, matched with experts or published with teams
applying, contracted with an amount, completed. The funnel (:func:`kexie.demands.selectors.funnel`,
what the page, the export and the API call) is timed for the root against a bare SQL count of the
same table; its figures are checked against what was planted. The funnel by level
(:func:`kexie.demands.selectors.funnel_by_level`, on the same page, export and API) is timed too,
as a variant, and its rows are checked to add up to the total.
"""

import datetime as dt
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from .harness import compare

LARGE, QUICK_LARGE = 100_000, 2_000
QUICK_PROVINCES = 2
PROVINCES, CITIES, COUNTIES = 31, 10, 5
TARGET_MS = 200


class _Rollback(Exception):
    pass


def _network(provinces: int):
    """The root and the associations that hold demands (cities and counties)."""
    from kexie.organizations.services import organizations_bulk_create

    rows = [{"name": "需求基准全国科学技术协会", "kind": "national_association", "parent": None}]
    for p in range(provinces):
        rows.append({"name": f"需求基准第{p + 1:02d}省科学技术协会", "kind": "provincial_association", "parent": 0})
        province = len(rows) - 1
        for c in range(CITIES):
            rows.append({"name": f"第{c + 1:02d}市科学技术协会", "kind": "city_association", "parent": province})
            city = len(rows) - 1
            rows.extend({"name": f"第{k + 1}县科学技术协会", "kind": "county_association", "parent": city}
                        for k in range(COUNTIES))
    created = organizations_bulk_create(by=None, rows=rows)
    return created[0], [o for o in created if o.kind in ("city_association", "county_association")]


def generate_demands(n: int, *, seed: int = 15, provinces: int = PROVINCES) -> tuple:
    """The network and ``n`` demands over it, with applications to the published ones; returns the
    root and the planted figures (what the funnel must count)."""
    from kexie.demands.models import Application, Demand, DemandStatus, Route

    rng = random.Random(seed)
    root, holders = _network(provinces)
    now = timezone.now()
    planted = {"received": 0, "accepted": 0, "routed": 0, "applied": 0, "contracted": 0, "completed": 0,
               "amount": Decimal("0")}
    demands, applied = [], []
    for i in range(n):
        received = now - dt.timedelta(days=rng.randint(0, 720), minutes=rng.randint(0, 1440))
        d = Demand(organization=holders[i % len(holders)], enterprise_name=f"基准企业{i:06d}",
                   title=f"技术需求{i:06d}", industry=rng.choice(["13", "26", "34", "39", "C", "I"]),
                   problem="工艺改进", received_at=received, status=DemandStatus.SUBMITTED)
        roll = rng.random()
        demands.append(d)
        if roll < 0.03:
            d.status = DemandStatus.MERGED
            continue
        planted["received"] += 1
        if roll < 0.11:
            d.status = DemandStatus.RETURNED
            continue
        if roll < 0.25:
            continue
        d.status, d.accepted_at = DemandStatus.ACCEPTED, received + dt.timedelta(days=rng.randint(0, 5))
        planted["accepted"] += 1
        if roll < 0.45:
            continue
        planted["routed"] += 1
        d.first_candidate_at = d.accepted_at + dt.timedelta(days=rng.randint(1, 30))
        if roll < 0.70:
            d.status, d.route = DemandStatus.MATCHED, Route.MATCH
        else:
            d.status, d.route, d.published_at = DemandStatus.PUBLISHED, Route.OPEN_CALL, d.accepted_at
            applied.append(d)
            planted["applied"] += 1
        if roll > 0.90:
            d.status, d.contracted_at = DemandStatus.CONTRACTED, d.first_candidate_at + dt.timedelta(days=20)
            d.contract_amount = Decimal(rng.randint(5, 500))
            planted["contracted"] += 1
            planted["amount"] += d.contract_amount
        if roll > 0.96:
            d.status, d.completed_at = DemandStatus.COMPLETED, d.contracted_at + dt.timedelta(days=180)
            planted["completed"] += 1
    Demand.objects.bulk_create(demands, batch_size=5000)
    Application.objects.bulk_create((Application(demand=d, team_name=f"团队{k}", lead_name="负责人",
                                                 submitted_at=d.published_at)
                                     for d in applied for k in range(rng.randint(1, 3))), batch_size=5000)
    return root, planted


def levels_add_up(levels, total: dict) -> bool:
    """Whether the funnel's rows by level add up to its total, count by count and the amount."""
    keys = ("received", "accepted", "routed", "applied", "contracted", "completed", "amount")
    return all(sum(level.figures[key] for level in levels) == total[key] for key in keys)


def bench_demand_funnel(ctx) -> dict:
    from kexie.demands.models import Demand
    from kexie.demands.selectors import funnel, funnel_by_level

    n = QUICK_LARGE if ctx.quick else LARGE
    table = Demand._meta.db_table

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), SUM(contract_amount) FROM {table}")  # noqa: S608 — a model's table
            return cursor.fetchone()

    result: dict = {}
    try:
        with transaction.atomic():
            root, planted = generate_demands(n, provinces=QUICK_PROVINCES if ctx.quick else PROVINCES)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {table}")
            figures = funnel(root)
            result["figures_match"] = {k: figures[k] for k in planted} == planted
            result["figures"] = {k: str(v) for k, v in figures.items()}
            levels = funnel_by_level(root)
            result["levels"] = [level.code for level in levels]
            result["levels_sum_to_total"] = levels_add_up(levels, figures)
            measured = compare(lambda: funnel(root), baseline, **ctx.reps)
            by_level = compare(lambda: funnel_by_level(root), baseline, **ctx.reps)
            raise _Rollback
    except _Rollback:
        pass
    p95 = measured["hot"]["p95_ms"]
    added_up = "yes" if result["levels_sum_to_total"] else "NO"
    return {"status": "ok", "demands": n, **result, **measured,
            "target": f"funnel of the national root over {LARGE:,} demands ≤ {TARGET_MS} ms at p95",
            "met": None if ctx.quick else (p95 <= TARGET_MS and result["figures_match"]),
            "variants": [{"label": f"by level (rows add up to the total: {added_up})",
                          "p50_ms": by_level["hot"]["p50_ms"], "p95_ms": by_level["hot"]["p95_ms"],
                          "ratio_p95": by_level["ratio_p95"]}]}
