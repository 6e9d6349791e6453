"""Benchmark 11: the activity rollup of the national root over 20,000 科普日 activities (target ≤ 2 s).

Inside a transaction it rolls back, a network of its own (a root with departments and national
societies, 31 provinces, 10 cities each and 5 counties each) holds 20,000 activities of one 全国科普日
campaign written in bulk, deterministic from a seed, spread over the provinces, cities and
counties (about nine in ten held, the others planned or cancelled, a few of the year before). The
rollup as the page, its export and the API compute it (:func:`kexie.activities.rollups.rollup_table`:
the subtree's totals by kind, the root's own activities, one row per child, the children without
activities folded) is timed for the root and the campaign's year against a bare SQL count of the
held activities; its figures are checked against what was planted.
"""

import datetime as dt
import random

from django.db import connection, transaction

from .harness import compare

LARGE, QUICK_LARGE = 20_000, 1_000
QUICK_PROVINCES = 2
PROVINCES, CITIES, COUNTIES = 31, 10, 5
TARGET_MS = 2000
YEAR = 2026


class _Rollback(Exception):
    pass


def _network(provinces: int):
    """The root (with departments and societies that hold no activity) and the associations
    below it that host activities."""
    from kexie.organizations.services import organizations_bulk_create

    rows = [{"name": "活动基准全国科学技术协会", "kind": "national_association", "parent": None}]
    rows += [{"name": f"活动基准第{d + 1}部门", "kind": "department", "parent": 0} for d in range(12)]
    rows += [{"name": f"活动基准第{s + 1:03d}全国学会", "kind": "national_society", "parent": 0} for s in range(40)]
    for p in range(provinces):
        rows.append({"name": f"活动基准第{p + 1:02d}省科学技术协会", "kind": "provincial_association", "parent": 0})
        province = len(rows) - 1
        for c in range(CITIES):
            rows.append({"name": f"第{c + 1:02d}市科学技术协会", "kind": "city_association", "parent": province})
            city = len(rows) - 1
            rows.extend({"name": f"第{k + 1}县科学技术协会", "kind": "county_association", "parent": city}
                        for k in range(COUNTIES))
    created = organizations_bulk_create(by=None, rows=rows)
    hosts = [o for o in created if o.kind in ("provincial_association", "city_association", "county_association")]
    return created[0], hosts


def generate_activities(n: int, *, seed: int = 11, provinces: int = PROVINCES) -> tuple:
    """The network, its 科普日 campaign and ``n`` activities over it; returns the root, the
    campaign and the planted figures (held in the campaign's year: total and audience)."""
    from kexie.activities.models import Activity, ActivityCampaign, ActivityStatus

    rng = random.Random(seed)
    root, hosts = _network(provinces)
    campaign = ActivityCampaign.objects.create(organization=root, name=f"{YEAR}年全国科普日", kind="science_day",
                                               year=YEAR, starts_on=dt.date(YEAR, 9, 15), ends_on=dt.date(YEAR, 9, 25))
    planted = {"total": 0, "audience": 0}
    rows = []
    settings = ["school", "community", "village", "enterprise", "online"]
    for i in range(n):
        roll = rng.random()
        year = YEAR - 1 if roll < 0.03 else YEAR
        day = dt.date(year, 9, rng.randint(15, 25))
        status = ActivityStatus.HELD if roll < 0.90 else (ActivityStatus.PLANNED if roll < 0.96 else
                                                           ActivityStatus.CANCELLED)
        audience = rng.randint(20, 2000)
        rows.append(Activity(organization=hosts[i % len(hosts)], kind="popsci", setting=rng.choice(settings),
                             campaign=campaign, title=f"科普日活动{i:05d}", starts_on=day, ends_on=day,
                             audience=audience, status=status))
        if status == ActivityStatus.HELD and year == YEAR:
            planted["total"] += 1
            planted["audience"] += audience
    Activity.objects.bulk_create(rows, batch_size=5000)
    return root, campaign, planted


def bench_activity_rollup(ctx) -> dict:
    from kexie.activities import rollups, selectors
    from kexie.activities.models import Activity

    n = QUICK_LARGE if ctx.quick else LARGE
    table = Activity._meta.db_table
    period = {"since": dt.date(YEAR, 1, 1), "until": dt.date(YEAR, 12, 31)}

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*), SUM(audience) FROM {table} WHERE status = 'held'")  # noqa: S608
            return cursor.fetchone()

    result: dict = {}
    try:
        with transaction.atomic():
            root, campaign, planted = generate_activities(n, provinces=QUICK_PROVINCES if ctx.quick else PROVINCES)
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {table}")
                    cursor.execute("ANALYZE organizations_organizationclosure")
            figures = rollups.rollup_table(root, campaign=campaign, **period)
            summary = figures["summary"]
            result["figures_match"] = {"total": summary["total"], "audience": summary["audience"]} == planted
            result["rows_add_up"] = figures["own"]["total"] + sum(
                f["total"] for _c, f in figures["children"]) == summary["total"]
            result["children_shown"], result["children_folded"] = len(figures["children"]), figures["folded"]
            measured = compare(lambda: rollups.rollup_table(root, campaign=campaign, **period), baseline, **ctx.reps)
            totals = compare(lambda: selectors.rollup(root, campaign=campaign, **period), baseline, **ctx.reps)
            raise _Rollback
    except _Rollback:
        pass
    p95 = measured["hot"]["p95_ms"]
    return {"status": "ok", "activities": n, "held_counted": planted["total"], **result, **measured,
            "target": f"activity rollup of the national root over {LARGE:,} activities ≤ {TARGET_MS} ms",
            "met": None if ctx.quick else (p95 <= TARGET_MS and result["figures_match"]),
            "variants": [{"label": "subtree totals only (selectors.rollup)", "p50_ms": totals["hot"]["p50_ms"],
                          "p95_ms": totals["hot"]["p95_ms"], "ratio_p95": totals["ratio_p95"]}]}
