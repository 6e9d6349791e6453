"""A plan target counted from the platform's own records (kexie.plans.measures): the clerk links the
target "建设科普基地100个" to a registry count, and the task page shows the registry's figure for the
plan's organisation and its subtree next to what reports say."""

import pytest
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.plans import measures


def _provinces_below(organization, since, until) -> int:
    """A stand-in registry: the provincial associations in the organisation's subtree."""
    below = OrganizationClosure.objects.filter(ancestor=organization).values("descendant")
    return Organization.objects.filter(pk__in=below, kind="provincial_association").count()


@pytest.fixture
def measure():
    measures.register("test.provinces", "测试：下辖省级科协", _provinces_below, unit="个", keywords=("全国科普教育基地",))
    yield "test.provinces"
    measures._MEASURES.pop("test.provinces", None)


def test_a_target_linked_to_a_measure_shows_the_registry_count_and_attainment(world, signed_in, national, measure):
    client = signed_in(world.national_clerk)
    page = reverse("tracking:task", args=[national.task.pk])
    html = client.get(page).content.decode()
    # The wording of the target (新建全国科普教育基地100个) suggests the measure before anything is linked.
    assert f'<option value="{measure}" selected>' in html and "关联建议的统计" in html

    response = client.post(reverse("tracking:target_measure", args=[national.task.pk, national.target.pk]),
                           {"measure": measure})

    assert response.status_code == 302
    national.target.refresh_from_db()
    assert national.target.measure == measure
    assert measures.target_value(national.target) == 2  # 甲省 and 乙省 under 中国科协
    row = client.get(page).content.decode().split(f'data-target="{national.target.pk}"')[1].split("</tr>")[0]
    assert "<b>2个</b>" in row and "（2.0%）" in row and "测试：下辖省级科协" in row
    assert AuditLog.objects.filter(action="update", object_id=str(national.target.pk),
                                   new_values__measure=measure).exists()


def test_an_unknown_measure_is_refused_and_nothing_is_saved(world, signed_in, national, measure):
    response = signed_in(world.national_clerk).post(
        reverse("tracking:target_measure", args=[national.task.pk, national.target.pk]), {"measure": "no.such"})

    assert response.status_code == 400
    assert "“no.such”不是平台提供的统计项" in response.content.decode()
    national.target.refresh_from_db()
    assert national.target.measure == ""


def test_only_editors_of_the_plan_link_measures(world, signed_in, national, measure):
    url = reverse("tracking:target_measure", args=[national.task.pk, national.target.pk])
    assert signed_in(world.county_clerk).post(url, {"measure": measure}).status_code == 403
    # The provincial clerk edits plans, but not the national one: the task is outside its scope.
    assert signed_in(world.provincial_clerk).post(url, {"measure": measure}).status_code == 404
    national.target.refresh_from_db()
    assert national.target.measure == ""
