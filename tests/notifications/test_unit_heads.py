"""Who a unit's head is: a position marked 单位负责人, set on the user's page."""

import datetime as dt

from django.urls import reverse

from kexie.accounts.models import Position
from kexie.notifications.selectors import unit_heads, unit_reporters


def test_a_position_marked_head_on_the_users_page_makes_its_holder_the_units_head(world, signed_in):
    client = signed_in(world.system_admin)
    response = client.post(reverse("accounts:position_add", args=[world.national_clerk.pk]), {
        "organization": world.prov_a.pk, "title": "兼职副主席", "is_head": "on"})
    assert response.status_code == 302
    assert Position.objects.get(user=world.national_clerk, organization=world.prov_a).is_head
    assert unit_heads(world.prov_a) == [world.national_clerk]
    page = client.get(reverse("accounts:user_detail", args=[world.national_clerk.pk])).content.decode()
    assert "兼职副主席 <span class=\"tag\">单位负责人</span>" in page


def test_a_position_that_ended_or_is_not_head_does_not_count(world):
    Position.objects.create(user=world.national_clerk, organization=world.prov_a, title="委员")
    Position.objects.create(user=world.society_secretary, organization=world.prov_a, title="原主席", is_head=True,
                            ended_on=dt.date(2026, 1, 31))
    assert unit_heads(world.prov_a, dt.date(2026, 5, 9)) == []
    assert unit_heads(world.prov_a, dt.date(2026, 1, 31)) == [world.society_secretary]


def test_reporters_are_the_units_users_with_report_submit_over_it(world):
    # 甲省's clerk; not the user without a role; not 甲县's clerk (a unit below, filing for itself).
    assert unit_reporters(world.prov_a) == [world.provincial_clerk]
    assert unit_reporters(world.county_a) == [world.county_clerk]
