"""Recording activities and campaigns: each change one audit row, refusals in Chinese on the field,
a county records only for organisations in its scope."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.activities import services
from kexie.activities.models import Activity
from kexie.audit.models import AuditLog
from kexie.people.models import Person
from tests.activities.helpers import DAY, activity, campaign


def _rows(obj):
    return AuditLog.objects.filter(object_type__icontains="activit", object_id=str(obj.pk)).count()


def test_create_update_and_the_audit_trail(world):
    person = Person.objects.create(organization=world.county_a, name="王科普")
    made = activity(world, org=world.county_a, by=world.county_clerk, held=False, experts=[person],
                    co_hosts=[world.city_a], setting="school")
    assert made.status == "planned" and made.region_code == "410122" and list(made.experts.all()) == [person]
    assert _rows(made) == 1
    services.activity_update(by=world.county_clerk, activity=made, data={
        "kind": "popsci", "title": "科学实验进课堂", "starts_on": DAY, "ends_on": DAY + dt.timedelta(days=1),
        "audience": 50, "staff_involved": 4})
    made.refresh_from_db()
    assert made.title == "科学实验进课堂" and not made.co_hosts.exists() and _rows(made) == 2


def test_refusals_name_the_field_in_chinese(world):
    with pytest.raises(ValidationError) as error:
        activity(world, starts_on=DAY, ends_on=DAY - dt.timedelta(days=1))
    assert error.value.message_dict == {"ends_on": ["活动结束日期不能早于开始日期。"]}
    with pytest.raises(ValidationError) as error:
        activity(world, audience=-1)
    assert error.value.message_dict == {"audience": ["请填写不小于0的整数。"]}
    with pytest.raises(ValidationError) as error:
        activity(world, title=" ")
    assert error.value.message_dict == {"title": ["请填写活动名称。"]}
    with pytest.raises(ValidationError) as error:
        activity(world, org=world.city_a, co_hosts=[world.city_a])
    assert "co_hosts" in error.value.message_dict
    assert not Activity.objects.exists()


def test_a_county_records_only_in_its_scope(world):
    with pytest.raises(Http404):
        activity(world, org=world.city_a, by=world.county_clerk)
    made = activity(world, org=world.prov_a)
    with pytest.raises(Http404):
        services.activity_cancel(by=world.county_clerk, activity=made, reason="改期")


def test_mark_held_and_cancel(world):
    planned = activity(world, org=world.county_a, held=False, audience=0)
    with pytest.raises(ValidationError) as error:
        services.activity_cancel(by=world.county_clerk, activity=planned, reason="")
    assert error.value.message_dict == {"reason": ["请填写取消原因。"]}
    services.activity_mark_held(by=world.county_clerk, activity=planned, audience=350, online_views=1200)
    planned.refresh_from_db()
    assert (planned.status, planned.audience, planned.online_views) == ("held", 350, 1200)
    with pytest.raises(ValidationError):
        services.activity_mark_held(by=world.county_clerk, activity=planned, audience=1)
    other = activity(world, org=world.county_a, held=False)
    services.activity_cancel(by=world.county_clerk, activity=other, reason="场地调整")
    other.refresh_from_db()
    assert (other.status, other.cancel_reason) == ("cancelled", "场地调整") and _rows(other) == 2


def test_campaigns(world):
    day = campaign(world)
    assert _rows(day) == 1
    with pytest.raises(ValidationError) as error:
        services.campaign_update(by=world.national_clerk, campaign=day, data={
            "name": "科普日", "kind": "science_day", "year": 2026, "starts_on": dt.date(2026, 9, 20),
            "ends_on": dt.date(2026, 9, 1)})
    assert error.value.message_dict == {"ends_on": ["主题活动结束日期不能早于开始日期。"]}
    with pytest.raises(Http404):
        services.campaign_update(by=world.provincial_clerk, campaign=day, data={
            "name": "x", "kind": "science_day", "year": 2026})
    services.campaign_update(by=world.national_clerk, campaign=day, data={
        "name": "2026年全国科普日（河南）", "kind": "science_day", "year": 2026})
    day.refresh_from_db()
    assert day.name == "2026年全国科普日（河南）" and _rows(day) == 2
