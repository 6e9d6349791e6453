"""Benchmark 8: evaluating and ranking 10,000 societies (issue 6: ≤ 60 s, queries independent of n).

The national data set has some 4,000 societies and no annual reports, so the benchmark makes its
own inside a transaction it rolls back: an association with 10,000 societies (profiles, accepted
reports for nine in ten, journals for some) and one with 50, deterministic from a fixed seed. The
project's rubric (:mod:`kexie.evaluation.standard`, 21 indicators) is frozen and each association's
year is evaluated (``evaluate_all``) and finalised (``evaluations_finalise``: grades, ranks, peer
groups). The baseline reads the same facts and scores them in memory, writing nothing.
"""

import datetime as dt
import random
import time
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from .harness import compare

YEAR = 2025
LARGE, SMALL, QUICK_LARGE = 10_000, 50, 200
TARGET_S = 60
DISCIPLINES = ["science", "engineering", "agriculture", "medicine", "interdisciplinary"]


class _Rollback(Exception):
    pass


def generate_societies(*, parent, n: int, name: str, seed: int = 1):
    """An association under ``parent`` with ``n`` societies, their profiles, a report round for
    YEAR and accepted reports for nine in ten of them. Bulk writes; returns the association."""
    from kexie.organizations.services import organizations_bulk_create
    from kexie.societies.models import AnnualReport, AnnualReportStatus, Journal, ReportYear, SocietyProfile

    rng = random.Random(seed)
    created = organizations_bulk_create(by=None, rows=[{"name": name, "kind": "provincial_association",
                                                        "parent": parent}] + [
        {"name": f"{name}第{i + 1:05d}学会", "kind": "provincial_society", "parent": 0} for i in range(n)])
    association, societies = created[0], created[1:]
    profiles = [SocietyProfile(
        organization=org, discipline=DISCIPLINES[i % len(DISCIPLINES)], individual_members=rng.randint(30, 12_000),
        group_members=rng.randint(0, 200), secretariat_staff=rng.randint(0, 15),
        secretary_general_full_time=rng.random() < 0.5,
        party_organization=rng.choice(["committee", "branch", "none"])) for i, org in enumerate(societies)]
    SocietyProfile.objects.bulk_create(profiles, batch_size=2000)
    Journal.objects.bulk_create([Journal(society=p, title=f"{p.organization.name}学报") for p in profiles
                                 if rng.random() < 0.3], batch_size=2000)
    round_ = ReportYear.objects.create(organization=association, year=YEAR, due_on=dt.date(YEAR + 1, 3, 31))
    reports = []
    for profile in profiles:
        if rng.random() < 0.1:
            continue
        reports.append(AnnualReport(
            society=profile, round=round_, year=YEAR, status=AnnualReportStatus.ACCEPTED,
            academic_events=rng.randint(0, 40), academic_participants=rng.randint(0, 8000),
            popsci_events=rng.randint(0, 60), popsci_audience=rng.randint(0, 50_000),
            consulting_projects=rng.randint(0, 8), policy_proposals=rng.randint(0, 10),
            proposals_adopted=rng.randint(0, 4), awards=rng.randint(0, 6), journals_published=rng.randint(0, 3),
            standards_drafted=rng.randint(0, 5), individual_members=profile.individual_members,
            group_members=profile.group_members, new_members=rng.randint(0, 900),
            income=Decimal(rng.randint(10, 5000)), expenditure=Decimal(rng.randint(10, 5000)),
            council_meetings=rng.randint(0, 3), standing_council_meetings=rng.randint(0, 4),
            supervisory_meetings=rng.randint(0, 2)))
    AnnualReport.objects.bulk_create(reports, batch_size=2000)
    return association


def _manager(root):
    """A national clerk of the benchmark (the roles refreshed, so the society codes are there)."""
    from kexie.accounts.models import Role, User
    from kexie.accounts.roles import ensure_builtin_roles

    ensure_builtin_roles()
    user = User.objects.create(username="bench_evaluation", organization=root, full_name="评价基准")
    user.roles.set(Role.objects.filter(code="national_clerk"))
    return User.objects.get(pk=user.pk)


def _rubric(by, association):
    from kexie.evaluation.services import rubric_freeze
    from kexie.evaluation.standard import standard_rubric

    return rubric_freeze(by=by, rubric=standard_rubric(by=by, organization=association, year=YEAR))


def bench_evaluation(ctx) -> dict:
    from kexie import rubric as rb
    from kexie.evaluation.selectors import to_rubric
    from kexie.evaluation.services import evaluate_all, evaluations_finalise, societies_of
    from kexie.societies.selectors import facts_for

    large = QUICK_LARGE if ctx.quick else LARGE
    result: dict = {}
    try:
        with transaction.atomic():
            started = time.perf_counter()
            user = _manager(ctx.root)
            big = generate_societies(parent=ctx.root, n=large, name="评价基准甲省科学技术协会", seed=1)
            small = generate_societies(parent=ctx.root, n=SMALL, name="评价基准乙省科学技术协会", seed=2)
            big_rubric, small_rubric = _rubric(user, big), _rubric(user, small)
            result["generate_s"] = round(time.perf_counter() - started, 1)

            def run(rubric):
                evaluate_all(by=user, rubric=rubric)
                evaluations_finalise(by=user, rubric=rubric)

            counts = {}
            for label, rubric in (("small", small_rubric), ("large", big_rubric)):
                with CaptureQueriesContext(connection) as queries:
                    first = time.perf_counter()
                    run(rubric)
                    result[f"first_run_{label}_s"] = round(time.perf_counter() - first, 2)
                counts[label] = len(queries)

            def baseline():
                spec = to_rubric(big_rubric)
                for values in facts_for(societies_of(big_rubric), YEAR).values():
                    rb.score(spec, values)

            reps = {"warmup": 0, "min_reps": 1, "max_reps": 1} if ctx.quick else {
                "warmup": 0, "min_reps": 3, "max_reps": 3, "max_seconds": 300}
            measured = compare(lambda: run(big_rubric), baseline, **reps)
            raise _Rollback
    except _Rollback:
        pass
    worst_s = max(measured["hot"]["p95_ms"] / 1000, result["first_run_large_s"])
    same_queries = counts["small"] == counts["large"]
    return {"status": "ok", "societies": large, **result, **measured,
            "queries": {f"{SMALL} societies": counts["small"], f"{large} societies": counts["large"]},
            "target": f"≤ {TARGET_S} s for {LARGE:,} societies, queries independent of n",
            "met": None if ctx.quick else (worst_s <= TARGET_S and same_queries)}
