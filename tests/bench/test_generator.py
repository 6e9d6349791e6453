"""The benchmark data generator and the bulk paths it uses: same seed, same data; invariants kept."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from kexie.audit.models import AuditLog
from kexie.bench.generate import checksums, counts, generate
from kexie.bench.scales import TODAY
from kexie.dashboard.models import CycleTally, SnapshotHistory
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.organizations.services import organization_create, organizations_bulk_create
from kexie.plans.models import TRACKED_KINDS, PlanItem
from kexie.tracking.bulk import LoadedReport, reports_load
from kexie.tracking.models import Cascade, ProgressReport, TaskSnapshot
from kexie.tracking.services import snapshots_refresh


class _Rollback(Exception):
    pass


def _generated_then_rolled_back(seed: int) -> tuple[dict, dict]:
    try:
        with transaction.atomic():
            generate(scale="small", seed=seed)
            found = counts(), checksums()
            raise _Rollback
    except _Rollback:
        return found


@pytest.mark.django_db
def test_same_seed_gives_the_same_data_and_another_seed_other_data():
    first_counts, first_sums = _generated_then_rolled_back(1)
    again_counts, again_sums = _generated_then_rolled_back(1)
    _other_counts, other_sums = _generated_then_rolled_back(2)
    assert first_counts == again_counts
    assert first_sums == again_sums
    assert other_sums["tasks"] != first_sums["tasks"]
    assert other_sums["reports"] != first_sums["reports"]


@pytest.fixture
def small(db):
    return generate(scale="small", seed=1)


def test_small_scale_has_every_kind_of_row_and_a_realistic_mix(small):
    c = small.counts
    assert c["organizations"] > 50 and c["users"] >= c["organizations"]
    assert c["cascaded_tasks"] > 0 and c["tasks"] > c["cascaded_tasks"]
    assert c["reports"] > 12 * (c["tasks"] - c["cascaded_tasks"]) * 0.5  # 13 closed cycles, a few unfiled
    assert 0 < c["late_reports"] < c["reports"] / 4
    assert 0 < c["returned_reports"] < c["reports"] / 10
    assert 0 < c["red_tasks"] < c["tasks"]
    assert ProgressReport.objects.filter(progress="completed", status="accepted").exists()
    assert ProgressReport.objects.filter(status="submitted").exists()  # the last cycle still under review
    # The bulk loads leave an audit trail like the services they stand for.
    assert AuditLog.objects.filter(action="import", object_type="organizations.organization").exists()
    assert AuditLog.objects.filter(action="import", object_type="tracking.progressreport").exists()
    assert AuditLog.objects.filter(action="cascade").count() == Cascade.objects.values("source").distinct().count()


def _ancestors(org_id: int, parents: dict) -> list[tuple[int, int]]:
    chain, depth = [], 0
    while org_id is not None:
        chain.append((org_id, depth))
        org_id, depth = parents[org_id], depth + 1
    return chain


def test_closure_rows_are_complete(small):
    parents = dict(Organization.objects.values_list("pk", "parent_id"))
    expected = {(a, d, depth) for d in parents for a, depth in _ancestors(d, parents)}
    assert set(OrganizationClosure.objects.values_list("ancestor_id", "descendant_id", "depth")) == expected
    depths = dict(Organization.objects.values_list("pk", "depth"))
    assert all(depths[pk] == len(_ancestors(pk, parents)) - 1 for pk in parents)


def test_every_tracked_task_has_a_snapshot_equal_to_what_the_daily_refresh_computes(small):
    fields = ["plan_id", "organization_id", "lead_organization_id", "percent", "expected", "colour", "completed",
              "overdue", "due", "actuals"]

    def state():
        return ({s.item_id: [getattr(s, f) for f in fields] for s in TaskSnapshot.objects.all()},
                set(SnapshotHistory.objects.values_list("item_id", "cycle_id", "colour", "percent", "filed_reports",
                                                        "late_reports")),
                set(CycleTally.objects.values_list("organization_id", "cycle_id", "tasks", "red", "percent_sum",
                                                   "filed_reports")))

    tracked = set(PlanItem.objects.filter(kind__in=TRACKED_KINDS).values_list("pk", flat=True))
    cascaded = set(Cascade.objects.values_list("child_id", flat=True))
    bulk = state()
    assert set(bulk[0]) == tracked and cascaded <= set(bulk[0])
    try:
        with transaction.atomic():
            snapshots_refresh(today=TODAY)  # one task at a time through snapshot_update
            one_by_one = state()
            raise _Rollback
    except _Rollback:
        pass
    assert bulk == one_by_one
    # Past cycles are in the history too: the trend has a point per closed cycle.
    assert SnapshotHistory.objects.values("cycle__sequence").distinct().count() >= 13


def test_a_report_by_a_unit_not_responsible_loads_nothing(small):
    from kexie.accounts.models import User
    from kexie.tracking.models import ReportingCycle

    clerk = User.objects.get(username="bc000001")
    item = PlanItem.objects.filter(kind="task", cascades__isnull=True, plan__cascade_ledger__isnull=True).first()
    cycle = ReportingCycle.objects.filter(plan=item.plan).order_by("-sequence").first()
    stranger = Organization.objects.filter(kind="township_association").first()
    before = ProgressReport.objects.count()
    good = LoadedReport(item_id=item.pk, organization_id=item.assignments.first().organization_id, cycle_id=cycle.pk,
                        percent=10)
    bad = LoadedReport(item_id=item.pk, organization_id=stranger.pk, cycle_id=cycle.pk, percent=10)
    with pytest.raises(ValidationError) as error:
        reports_load(by=clerk, reports=[good, bad], today=TODAY)
    assert "not responsible" in str(error.value) or "不是" in str(error.value) or "负责" in str(error.value)
    assert ProgressReport.objects.count() == before


# --- organizations_bulk_create against organization_create ------------------------------------------

TREE = [  # name, kind, parent index
    ("甲省科学技术协会", "provincial_association", None),
    ("办公室", "department", 0),
    ("甲市科学技术协会", "city_association", 0),
    ("甲县科学技术协会", "county_association", 2),
    ("甲镇科学技术协会", "township_association", 3),
    ("甲省物理学会", "provincial_society", 0),
    ("青年工作委员会", "society_branch", 5),
]


@pytest.fixture
def root(db):
    return organization_create(by=None, parent=None, name="中国科学技术协会", kind="national_association")


def _shape(top: Organization) -> set:
    names = dict(Organization.objects.values_list("pk", "name"))
    below = OrganizationClosure.objects.filter(ancestor=top).values("descendant_id")
    return {(names[a], names[d], depth) for a, d, depth in OrganizationClosure.objects.filter(
        descendant_id__in=below).values_list("ancestor_id", "descendant_id", "depth")}


def test_bulk_creation_writes_the_same_rows_as_one_by_one(root):
    one_by_one = [organization_create(by=None, parent=root, name=TREE[0][0], kind=TREE[0][1])]
    for name, kind, parent in TREE[1:]:
        one_by_one.append(organization_create(by=None, parent=one_by_one[parent], name=name, kind=kind))
    other_root = organization_create(by=None, parent=None, name="另一个根", kind="national_association")
    rows = [{"name": name, "kind": kind, "parent": other_root if parent is None else parent}
            for name, kind, parent in TREE]
    bulk = organizations_bulk_create(by=None, rows=rows)
    assert [(o.depth, o.search_text) for o in one_by_one] == [(o.depth, o.search_text) for o in bulk]
    rename = {"中国科学技术协会": "另一个根"}
    assert {(rename.get(a, a), rename.get(d, d), depth) for a, d, depth in _shape(one_by_one[0])} == \
        _shape(bulk[0])
    assert Organization.objects.search("jxkx").filter(pk=bulk[3].pk).exists()  # 甲县科协 by pinyin initials


@pytest.mark.parametrize(("rows", "message"), [
    ([{"name": "甲县科学技术协会", "kind": "county_association", "parent": None}], "Row 1"),
    ([{"name": "甲省科学技术协会", "kind": "provincial_association", "parent": "root"},
      {"name": "甲省科学技术协会", "kind": "provincial_association", "parent": "root"}], "Row 2"),
    ([{"name": "甲省科学技术协会", "kind": "provincial_association", "parent": "root", "region_code": "99"}],
     "Row 1"),
])
def test_a_bad_row_is_named_and_nothing_is_created(root, rows, message, settings):
    settings.LANGUAGE_CODE = "en"
    rows = [{**row, "parent": root if row["parent"] == "root" else row["parent"]} for row in rows]
    before = Organization.objects.count(), OrganizationClosure.objects.count()
    with pytest.raises(ValidationError) as error:
        organizations_bulk_create(by=None, rows=rows)
    assert message in " ".join(error.value.messages) or "第" in " ".join(error.value.messages)
    assert (Organization.objects.count(), OrganizationClosure.objects.count()) == before


def test_a_name_taken_under_an_existing_parent_is_refused(root):
    organization_create(by=None, parent=root, name="甲省科学技术协会", kind="provincial_association")
    with pytest.raises(ValidationError):
        organizations_bulk_create(by=None, rows=[{"name": "甲省科学技术协会", "kind": "provincial_association",
                                                  "parent": Organization.objects.get(pk=root.pk)}])
