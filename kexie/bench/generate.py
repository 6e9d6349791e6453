"""The deterministic data generator behind ``kexie bench generate``.

Everything goes through the project's own services, using their bulk paths where those are
product code: the organisation tree through ``organizations_bulk_create`` (closure rows written
in bulk), plans through the reviewed import (``plan_import_start`` / ``plan_import_confirm``),
cascades through ``task_cascade``, reporting cycles through ``cycles_schedule`` and the reports
through ``tracking.bulk.reports_load`` (which refreshes every snapshot). Accounts are written in
bulk with one precomputed password hash. The same scale and seed give the same data: every
random choice comes from one ``random.Random(seed)`` walked in a fixed order.
"""

import datetime as dt
import hashlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from kexie.accounts.models import Role, User
from kexie.accounts.roles import ensure_builtin_roles
from kexie.audit.services import audit_record
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.organizations.services import organizations_bulk_create
from kexie.plans.models import TRACKED_KINDS, Plan, PlanItem
from kexie.plans.services import FORMAT, plan_import_confirm, plan_import_start
from kexie.tracking.bulk import LoadedReport, reports_load, tasks_cascade_bulk
from kexie.tracking.models import CascadeLedger, ProgressReport, ReportingCycle, ReportStatus, TaskSnapshot
from kexie.tracking.services import cycles_schedule

from . import names
from .scales import BENCH_PASSWORD, PERIOD_END, PERIOD_START, SCALES, TODAY, Scale

EVIDENCE_FILE = "evidence/bench/completion-evidence.pdf"

ROLE_OF_KIND = {
    "national_association": "national_clerk", "provincial_association": "provincial_clerk",
    "city_association": "city_clerk", "county_association": "county_clerk",
    "national_society": "society_secretary", "provincial_society": "society_secretary",
    "city_society": "society_secretary",
}
# Associations of the hierarchy get a clerk and a read-only colleague; the rest one account.
TWO_ACCOUNTS = {"national_association", "provincial_association", "city_association", "county_association"}


class NotEmpty(Exception):
    """The database already holds organisations: the generator only fills an empty one."""


@dataclass
class Generated:
    scale: str
    seed: int
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Org:
    """An organisation to create: its row for the bulk service and what the generator needs."""

    row: dict
    level: str = ""  # national / province / city / county / national_society / provincial_society
    departments: list[int] = field(default_factory=list)  # indexes of its departments
    below: list[int] = field(default_factory=list)  # indexes of the associations one level down


class _Network:
    def __init__(self, scale: Scale, rng: random.Random):
        self.scale, self.rng = scale, rng
        self.orgs: list[_Org] = []

    def add(self, name, kind, parent, *, level="", **fields) -> int:
        self.orgs.append(_Org(row={"name": name, "kind": kind, "parent": parent, **fields}, level=level))
        return len(self.orgs) - 1

    def departments(self, owner: int, department_names) -> None:
        for dept, aliases in department_names:
            self.orgs[owner].departments.append(self.add(dept, "department", owner, aliases=list(aliases)))

    def society(self, name, kind, parent, branches: int, level: str) -> int:
        index = self.add(name, kind, parent, level=level)
        for b in range(branches):
            self.add(names.branch(b), "society_branch", index)
        return index

    def build(self) -> None:
        s, rng = self.scale, self.rng
        cities = counties = towns = 0
        root = self.add("中国科学技术协会", "national_association", None, level="national", short_name="中国科协")
        self.departments(root, names.NATIONAL_DEPARTMENTS)
        for society_name in names.societies(s.national_societies, "中国"):
            self.society(society_name, "national_society", root, s.branches_national, "national_society")
        for p in range(s.provinces):
            province_name, region = names.PROVINCES[p]
            province = self.add(f"{province_name}科学技术协会", "provincial_association", root, level="province",
                                short_name=f"{province_name}科协", region_code=region)
            self.orgs[root].below.append(province)
            self.departments(province, names.PROVINCIAL_DEPARTMENTS)
            for society_name in names.societies(s.provincial_societies, province_name):
                self.society(society_name, "provincial_society", province, s.branches_provincial,
                             "provincial_society")
            for g in range(s.grassroots_province):
                kind, label = names.GRASSROOTS_PROVINCE[g % len(names.GRASSROOTS_PROVINCE)]
                self.add(names.grassroots(rng, province_name, label), kind, province)
            for _c in range(rng.randint(*s.cities)):
                city_name = names.place("市", cities, 2)
                cities += 1
                city = self.add(f"{city_name}科学技术协会", "city_association", province, level="city",
                                short_name=f"{city_name}科协")
                self.orgs[province].below.append(city)
                self.departments(city, names.CITY_DEPARTMENTS)
                for society_name in names.societies(s.city_societies, city_name):
                    self.add(society_name, "city_society", city)
                for g in range(s.grassroots_city):
                    kind, label = names.GRASSROOTS_CITY[g % len(names.GRASSROOTS_CITY)]
                    self.add(names.grassroots(rng, city_name, label), kind, city)
                for _k in range(rng.randint(*s.counties)):
                    county_name = names.place("县", counties, 3)
                    counties += 1
                    county = self.add(f"{county_name}科学技术协会", "county_association", city, level="county",
                                      short_name=f"{county_name}科协")
                    self.orgs[city].below.append(county)
                    for _t in range(s.townships):
                        town = names.place("镇", towns, 3)
                        towns += 1
                        self.add(f"{town}科学技术协会", "township_association", county, short_name=f"{town}科协")
                    for g in range(s.grassroots_county):
                        kind, label = names.GRASSROOTS_COUNTY[g % len(names.GRASSROOTS_COUNTY)]
                        self.add(names.grassroots(rng, county_name, label), kind, county)


def _timed(timings: dict, name: str, started: float) -> float:
    now = time.perf_counter()
    timings[name] = round(now - started, 2)
    return now


def _users(network: _Network, created: list[Organization], by) -> dict[int, User]:
    """Accounts for every organisation, in bulk with one password hash; the clerk per org pk."""
    roles = {r.code: r for r in Role.objects.all()}
    password = make_password(BENCH_PASSWORD)
    now = timezone.now()
    users, role_of = [], []
    for number, org in enumerate(created, start=1):
        clerk_role = ROLE_OF_KIND.get(org.kind, "viewer")
        accounts = [("c", clerk_role)] + ([("v", "viewer")] if org.kind in TWO_ACCOUNTS else [])
        for suffix, role in accounts:
            users.append(User(username=f"b{suffix}{number:06d}", full_name=names.person(network.rng),
                              organization_id=org.pk, password=password, must_change_password=False,
                              password_changed_at=now, created_by=by))
            role_of.append(roles[role])
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=2000)
        through = User.roles.through
        through.objects.bulk_create([through(user_id=u.pk, role_id=r.pk) for u, r in zip(users, role_of, strict=True)],
                                    batch_size=5000)
        audit_record(action="import", by=by, object_type=User._meta.label_lower,
                     object_repr=f"{len(users)} accounts created in bulk", new={"count": len(users)})
    return {u.organization_id: u for u in users if u.username.startswith("bc")}


def _plan_document(rng: random.Random, *, owner_name: str, level: str, n_tasks: int, units: list[str]) -> dict:
    """A kexie.plan/1 document: sections of up to ten tasks, a third with a numeric target."""
    items = []
    section = 0
    for t in range(n_tasks):
        if t % 10 == 0:
            section += 1
            items.append({"key": str(section), "kind": "section", "title": names.section(rng), "text": ""})
        title = names.task(rng)
        due = PERIOD_START + dt.timedelta(days=rng.randint(150, (PERIOD_END - PERIOD_START).days))
        item = {"key": f"{section}.{t % 10 + 1}", "kind": rng.choice(["task"] * 8 + ["goal", "safeguard"]),
                "title": title, "text": f"{title}，{due.year}年{due.month}月底前完成。", "due": due.isoformat(),
                "lead_units": [rng.choice(units)], "co_units": [], "targets": []}
        if len(units) > 1 and rng.random() < 0.3:
            co = rng.choice(units)
            if co not in item["lead_units"]:
                item["co_units"] = [co]
        if rng.random() < 0.33:
            metric, unit = rng.choice(names.METRICS)
            goal = rng.choice([5, 10, 20, 30, 50, 100, 200])
            item["targets"] = [{"text": f"新建{metric}{goal}{unit}", "metric": metric, "verb": "新建", "min": goal,
                                "max": None, "unit": unit, "due": due.isoformat()}]
        items.append(item)
    return {"format": FORMAT, "title": f"{owner_name}{names.PLAN_TITLES[level]}", "issuer": owner_name,
            "doc_number": "", "issued_on": PERIOD_START.isoformat(),
            "period": {"start": PERIOD_START.isoformat(), "end": PERIOD_END.isoformat()}, "items": items}


def _plans(network: _Network, created: list[Organization], clerks: dict[int, User]) -> list[Plan]:
    """Each association and society plan through the reviewed import, then its reporting cycles.
    Units whose own staff may not issue plans (counties, societies: filers only) have theirs
    entered by the national office, whose scope covers them."""
    plans = []
    national_clerk = clerks[created[0].pk]
    for index, spec in enumerate(network.orgs):
        if spec.level not in network.scale.tasks:
            continue
        owner = created[index]
        clerk = clerks[owner.pk]
        if not (clerk.has_code("plan.import") and clerk.has_code("supervise.manage")):
            clerk = national_clerk
        units = {created[d].name: created[d].pk for d in spec.departments} or {owner.name: owner.pk}
        parsed = _plan_document(network.rng, owner_name=owner.name, level=spec.level,
                                n_tasks=network.scale.tasks[spec.level], units=list(units))
        plan_import = plan_import_start(by=clerk, organization=owner, source_text=parsed["title"], parsed=parsed,
                                        source_name="bench.json",
                                        unit_mapping={u: {"organization": pk} for u, pk in units.items()})
        plan = plan_import_confirm(by=clerk, plan_import=plan_import,
                                   allowed_organizations=Organization.objects.restrict(clerk, "org.view"))
        cycles_schedule(by=clerk, plan=plan)
        plans.append(plan)
    return plans


def _cascade(network: _Network, created: list[Organization], national_clerk: User) -> int:
    """Each level hands tasks down to every association one level below: half of them its own,
    half of those it was handed itself, so that chains run national → province → city → county.
    One bulk call per level (the next level hands down what this one created); the snapshots
    are rebuilt by the report load that follows."""
    count = 0
    for level in ("national", "province", "city"):
        n = network.scale.handed_down[level]
        cascades = []
        for spec_index, spec in enumerate(network.orgs):
            if spec.level != level or not spec.below:
                continue
            owner = created[spec_index]
            own = list(PlanItem.objects.filter(plan__organization=owner, plan__cascade_ledger__isnull=True,
                                               kind__in=TRACKED_KINDS).order_by("plan_id", "position")[:n])
            received = list(PlanItem.objects.filter(plan__organization=owner, plan__cascade_ledger__isnull=False,
                                                    kind__in=TRACKED_KINDS).order_by("plan_id", "position")[: n // 2])
            below = [created[i] for i in spec.below]
            cascades += [(item, below) for item in received + own[: n - len(received)]]
        count += tasks_cascade_bulk(by=national_clerk, cascades=cascades, today=TODAY, refresh_snapshots=False)
    return count


def _reports(rng: random.Random) -> Iterator[LoadedReport]:
    """Monthly reports of every task that is not handed down, by its lead unit, for each closed
    cycle: steady, slow or stalled paces; some filings missing, late, returned or still waiting."""
    cycles_of: dict[int, list[ReportingCycle]] = {}
    for cycle in ReportingCycle.objects.filter(closes_on__lt=TODAY).order_by("plan_id", "sequence"):
        cycles_of.setdefault(cycle.plan_id, []).append(cycle)
    roots = dict(CascadeLedger.objects.values_list("plan_id", "root_plan_id"))
    leaves = (PlanItem.objects.filter(kind__in=TRACKED_KINDS, cascades__isnull=True)
              .order_by("pk").values_list("pk", "plan_id", "due"))
    lead = {}
    from kexie.plans.models import Assignment, Target

    for item_id, org_id in (Assignment.objects.filter(role="lead", organization__isnull=False)
                            .order_by("-id").values_list("item_id", "organization_id")):
        lead[item_id] = org_id
    targets: dict[int, list[tuple[int, Decimal]]] = {}
    for target_id, item_id, goal in Target.objects.order_by("id").values_list("id", "item_id", "min_value"):
        targets.setdefault(item_id, []).append((target_id, goal or Decimal(10)))
    for item_id, plan_id, due in leaves.iterator(chunk_size=5000):
        cycles = cycles_of.get(roots.get(plan_id, plan_id), [])
        if item_id not in lead or not cycles:
            continue
        span = max(1, sum(1 for c in cycles_of[roots.get(plan_id, plan_id)] if not due or c.closes_on <= due) + 1)
        pace = rng.choice([1.15, 1.0, 1.0, 0.9, 0.75, 0.6, 0.4, 0.2])
        percent = 0
        for position, cycle in enumerate(cycles, start=1):
            draw = rng.random()
            if draw < 0.04:
                continue  # not filed
            percent = min(100, max(percent, round(100 * pace * position / span) + rng.randint(-3, 3)))
            late = rng.random() < 0.12
            filed_on = cycle.due_on + dt.timedelta(days=rng.randint(1, 9)) if late \
                else cycle.closes_on + dt.timedelta(days=rng.randint(0, (cycle.due_on - cycle.closes_on).days))
            submitted_at = timezone.make_aware(dt.datetime.combine(filed_on, dt.time(9 + rng.randint(0, 8))))
            last = position == len(cycles)
            if rng.random() < 0.05:
                status, reason = ReportStatus.RETURNED, "佐证材料不足，请补充后重新报送。"
            elif last and rng.random() < 0.3:
                status, reason = ReportStatus.SUBMITTED, ""
            else:
                status, reason = ReportStatus.ACCEPTED, ""
            completed = percent >= 100
            yield LoadedReport(
                item_id=item_id, organization_id=lead[item_id], cycle_id=cycle.pk, percent=percent,
                progress="completed" if completed else ("in_progress" if percent else "not_started"),
                status=status, narrative=f"本期完成{percent}%。", late=late, submitted_at=submitted_at,
                reviewed_at=submitted_at + dt.timedelta(days=2), return_reason=reason,
                actuals={t: (goal * percent / 100).quantize(Decimal("0.0001")) for t, goal in targets.get(item_id, [])},
                evidence_name=EVIDENCE_FILE if completed else "")
            if completed and status == ReportStatus.ACCEPTED:
                break


def generate(*, scale: str, seed: int = 1, log=None) -> Generated:
    """Fill an empty, migrated database with the data set of ``scale`` (see ``scales.SCALES``)."""
    log = log or (lambda message: None)
    if Organization.objects.exists():
        raise NotEmpty("the database already holds organisations; point KEXIE_DATABASE_URL at an empty one")
    spec = SCALES[scale]
    rng = random.Random(f"{scale}:{seed}")
    result = Generated(scale=scale, seed=seed)
    t = time.perf_counter()
    ensure_builtin_roles()
    network = _Network(spec, rng)
    network.build()
    created = organizations_bulk_create(by=None, rows=[o.row for o in network.orgs])
    t = _timed(result.timings, "organizations", t)
    log(f"organisations: {len(created):,} ({result.timings['organizations']} s)")
    clerks = _users(network, created, None)
    t = _timed(result.timings, "users", t)
    log(f"accounts: {User.objects.count():,} ({result.timings['users']} s)")
    with transaction.atomic():
        plans = _plans(network, created, clerks)
    t = _timed(result.timings, "plans", t)
    log(f"plans: {len(plans):,} ({result.timings['plans']} s)")
    if not default_storage.exists(EVIDENCE_FILE):
        default_storage.save(EVIDENCE_FILE, ContentFile(b"%PDF-1.4\n% completion evidence\n%%EOF\n"))
    with transaction.atomic():
        handed = _cascade(network, created, clerks[created[0].pk])
        t = _timed(result.timings, "cascade", t)
        log(f"tasks handed down: {handed:,} ({result.timings['cascade']} s)")
        loaded = reports_load(by=clerks[created[0].pk], reports=_reports(rng), today=TODAY)
    t = _timed(result.timings, "reports", t)
    log(f"reports: {loaded['reports']:,}, snapshots: {loaded['snapshots']:,} ({result.timings['reports']} s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics for the planner, on either database
    result.timings["total"] = round(sum(result.timings.values()), 2)
    result.counts = counts()
    return result


def counts() -> dict[str, int]:
    return {
        "organizations": Organization.objects.count(),
        "closure_rows": OrganizationClosure.objects.count(),
        "users": User.objects.count(),
        "plans": Plan.objects.count(),
        "tasks": PlanItem.objects.filter(kind__in=TRACKED_KINDS).count(),
        "cascaded_tasks": PlanItem.objects.filter(cascaded_from__isnull=False).count(),
        "cycles": ReportingCycle.objects.count(),
        "reports": ProgressReport.objects.count(),
        "late_reports": ProgressReport.objects.filter(late=True).count(),
        "returned_reports": ProgressReport.objects.filter(status=ReportStatus.RETURNED).count(),
        "snapshots": TaskSnapshot.objects.count(),
        "red_tasks": TaskSnapshot.objects.filter(colour="red").count(),
    }


def checksums() -> dict[str, str]:
    """Digests of the generated content by natural keys (not primary keys), to compare two runs."""
    def digest(rows) -> str:
        h = hashlib.sha256()
        for row in rows:
            h.update(repr(row).encode())
        return h.hexdigest()[:16]

    def ordered(queryset, *columns):
        # Sorted by every column digested (after the natural key): rows that tie are equal, so the
        # database's choice among them cannot change the digest.
        return queryset.order_by(*columns).values_list(*columns)

    return {
        "organizations": digest(ordered(Organization.objects, "depth", "name", "kind", "parent__name")),
        "tasks": digest(ordered(PlanItem.objects, "plan__organization__name", "plan__title", "position", "title",
                                "due", "status")),
        "reports": digest(ordered(ProgressReport.objects, "item__plan__organization__name", "item__plan__title",
                                  "item__position", "cycle__sequence", "percent", "status", "late")),
        "snapshots": digest(ordered(TaskSnapshot.objects, "item__plan__organization__name", "item__plan__title",
                                    "item__position", "percent", "colour", "overdue")),
    }
