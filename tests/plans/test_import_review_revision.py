"""A revised document of a plan shows what changed before anything is saved; confirming it
creates the next version and supersedes the old one."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.organizations.models import Organization
from kexie.organizations.services import organization_create
from kexie.plans.models import Plan, PlanImport, PlanStatus
from kexie.plans.services import plan_import_confirm, plan_import_map_unit, plan_import_start, unmapped_units
from kexie.docparse import parse_text
from tests.plans.sample import KEY_TASKS_2026, KEY_TASKS_2026_REVISED


@pytest.fixture
def first_version(world):
    departments = {alias: organization_create(by=None, parent=world.prov_a, name=f"甲省科协{name}",
                                              kind="department", short_name=name, aliases=[alias])
                   for name, alias in [("学会学术部", "学会部"), ("组织人事部", "组人部"), ("科学技术普及部", "科普部")]}
    departments["办公室"] = world.prov_a_office
    clerk = world.provincial_clerk
    plan_import = plan_import_start(by=clerk, organization=world.prov_a, source_text=KEY_TASKS_2026,
                                    parsed=parse_text(KEY_TASKS_2026), source_name="要点.txt")
    for unit in unmapped_units(plan_import):
        org = departments.get(unit)  # 各市科协: left unassigned
        plan_import = plan_import_map_unit(by=clerk, plan_import=plan_import, unit=unit, organization=org)
    return plan_import_confirm(by=clerk, plan_import=plan_import, allowed_organizations=Organization.objects.all())


def _revise(client, plan, text=KEY_TASKS_2026_REVISED):
    return client.post(reverse("plans:revise", args=[plan.pk]),
                       {"file": SimpleUploadedFile("要点（修订）.txt", text.encode("utf-8"))})


def test_the_review_of_a_revision_lists_added_removed_and_reworded_items_before_saving(first_version, world,
                                                                                     signed_in):
    client = signed_in(world.provincial_clerk)
    detail = client.get(reverse("plans:detail", args=[first_version.pk])).content.decode()
    assert reverse("plans:revise", args=[first_version.pk]) in detail
    response = _revise(client, first_version)
    revision = PlanImport.objects.exclude(plan=first_version).get()
    assert response["Location"] == reverse("plans:review", args=[revision.pk])
    assert revision.base_plan == first_version and revision.organization == world.prov_a
    page = client.get(response["Location"]).content.decode()
    assert "与第 1 版相比的变化" in page
    diff = page.split('id="review-diff"')[1].split('id="review-metadata"')[0]
    added, removed = diff.split('class="diff-added"')[1], diff.split('class="diff-removed"')[1]
    assert "加强组织保障" in added.split("</ul>")[0] and "完善督查机制" in added.split("</ul>")[0]
    assert "整治休眠学会" in removed.split("</ul>")[0]
    reworded = diff.split('class="list diff-reworded"')[1].split("</table>")[0]
    assert "<del>深化理论学习</del>" in reworded and "<ins>深化理论武装</ins>" in reworded
    assert "15个" in reworded and "10个" in reworded  # 建设科普基地: its text changed
    # Nothing saved yet: still one version, in force.
    assert Plan.objects.count() == 1
    first_version.refresh_from_db()
    assert first_version.status == PlanStatus.ACTIVE


def test_a_revision_keeps_the_unit_mappings_of_the_version_it_replaces(first_version, world, signed_in):
    client = signed_in(world.provincial_clerk)
    _revise(client, first_version)
    revision = PlanImport.objects.exclude(plan=first_version).get()
    assert unmapped_units(revision) == []
    assert revision.unit_mapping["各市科协"] == {"unassigned": True}


def test_confirming_a_revision_creates_the_next_version_and_supersedes_the_old(first_version, world, signed_in):
    client = signed_in(world.provincial_clerk)
    _revise(client, first_version)
    revision = PlanImport.objects.exclude(plan=first_version).get()
    response = client.post(reverse("plans:review_confirm", args=[revision.pk]))
    second = Plan.objects.get(version=2)
    assert response["Location"] == reverse("plans:detail", args=[second.pk])
    first_version.refresh_from_db()
    assert second.previous == first_version and first_version.status == PlanStatus.SUPERSEDED
    assert second.source_name == "要点（修订）.txt" and second.source_file.read().decode() == KEY_TASKS_2026_REVISED
    page = client.get(response["Location"]).content.decode()
    assert "第 2 版" in page and "已被修订版取代" not in page.split("<table")[0].split("</h1>")[0]
    old_page = client.get(reverse("plans:detail", args=[first_version.pk])).content.decode()
    assert "已被修订版取代" in old_page and reverse("plans:revise", args=[first_version.pk]) not in old_page


def test_a_superseded_version_cannot_be_revised_again(first_version, world, signed_in):
    client = signed_in(world.provincial_clerk)
    _revise(client, first_version)
    client.post(reverse("plans:review_confirm", args=[PlanImport.objects.exclude(plan=first_version).get().pk]))
    drafts = PlanImport.objects.count()
    response = _revise(client, first_version)
    assert response["Location"] == reverse("plans:detail", args=[first_version.pk])
    assert PlanImport.objects.count() == drafts


def test_discarding_a_revision_returns_to_the_plan_and_keeps_it_in_force(first_version, world, signed_in):
    client = signed_in(world.provincial_clerk)
    _revise(client, first_version)
    revision = PlanImport.objects.exclude(plan=first_version).get()
    response = client.post(reverse("plans:review_discard", args=[revision.pk]))
    assert response["Location"] == reverse("plans:detail", args=[first_version.pk])
    first_version.refresh_from_db()
    assert first_version.status == PlanStatus.ACTIVE and Plan.objects.count() == 1


def test_a_bad_revised_file_is_refused_on_the_form_and_saves_nothing(first_version, world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("plans:revise", args=[first_version.pk]),
                           {"file": SimpleUploadedFile("要点.txt", b"")})
    assert response.status_code == 200 and "空文件" in response.content.decode()
    assert PlanImport.objects.count() == 1  # the first version's import only


def test_of_two_revisions_started_from_one_version_only_the_first_confirmed_comes_into_force(
        first_version, world, signed_in):
    client = signed_in(world.provincial_clerk)
    _revise(client, first_version)
    _revise(client, first_version)
    first, second = PlanImport.objects.exclude(plan=first_version).order_by("pk")
    client.post(reverse("plans:review_confirm", args=[first.pk]))
    plans = Plan.objects.count()
    response = client.post(reverse("plans:review_confirm", args=[second.pk]), follow=True)
    assert "只能修订现行版本" in response.content.decode()
    assert Plan.objects.count() == plans
    assert Plan.objects.filter(status=PlanStatus.ACTIVE, previous=first_version).count() == 1
