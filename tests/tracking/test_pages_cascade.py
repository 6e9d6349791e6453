"""Handing a task down (下达) through the form, with each organisation's share."""

import re

from django.urls import reverse

from kexie.tracking.models import Cascade, TaskSnapshot


def test_the_national_office_hands_a_task_to_two_provinces_with_their_shares(world, signed_in, national):
    client = signed_in(world.national_clerk)
    url = reverse("tracking:cascade", args=[national.task.pk])
    page = client.get(url)
    html = page.content.decode()
    assert f'id="cascade-org-{world.prov_a.pk}"' in html and f'id="cascade-org-{world.prov_b.pk}"' in html
    assert "甲县科学技术协会" not in html  # only organisations directly under the plan's owner
    share = f"share_{{}}_{national.target.pk}"
    response = client.post(url, {"organizations": [world.prov_a.pk, world.prov_b.pk],
                                 share.format(world.prov_a.pk): "60", share.format(world.prov_b.pk): "40"})
    assert response.status_code == 302 and response["Location"] == reverse("tracking:task", args=[national.task.pk])
    cascades = {c.organization: c.child for c in Cascade.objects.filter(source=national.task)}
    assert set(cascades) == {world.prov_a, world.prov_b}
    assert cascades[world.prov_a].targets.get().min_value == 60
    assert cascades[world.prov_b].targets.get().min_value == 40

    task_page = client.get(response["Location"]).content.decode()
    for org in (world.prov_a, world.prov_b):
        assert f'<tr data-organization="{org.pk}">' in task_page
        assert TaskSnapshot.objects.filter(item=cascades[org]).exists()
    assert 'class="tag tag-colour tag-colour-' in task_page
    # The province sees the task handed down, and where it came from.
    child_page = signed_in(world.provincial_clerk).get(reverse("tracking:task", args=[cascades[world.prov_a].pk]))
    assert 'id="task-upper"' in child_page.content.decode()


def test_a_share_that_is_not_a_number_saves_nothing(world, signed_in, national):
    client = signed_in(world.national_clerk)
    response = client.post(reverse("tracking:cascade", args=[national.task.pk]), {
        "organizations": [world.prov_a.pk], f"share_{world.prov_a.pk}_{national.target.pk}": "六十"})
    assert response.status_code == 200
    assert "“六十”" in response.content.decode()
    assert not Cascade.objects.exists()
    response = client.post(reverse("tracking:cascade", args=[national.task.pk]), {})
    assert response.context["form"].errors["organizations"]
    assert not Cascade.objects.exists()


def test_a_county_clerk_cannot_hand_down_a_national_task(world, signed_in, national):
    # Handing down is not a county's job: its role holds no supervise.manage at all.
    response = signed_in(world.county_clerk).get(reverse("tracking:cascade", args=[national.task.pk]))
    assert response.status_code == 403


def test_the_form_groups_units_by_kind_and_all_provinces_is_one_tick(world, signed_in, national):
    client = signed_in(world.national_clerk)
    url = reverse("tracking:cascade", args=[national.task.pk])
    html = client.get(url).content.decode()
    groups = re.findall(r'<tbody data-kind="(\w+)">', html)
    assert groups.index("department") < groups.index("provincial_association") < groups.index("national_society")
    assert 'id="cascade-all-provincial_association"' in html and "全部省级科协（2）" in html
    # Only the box for the group is ticked: every province gets the task, nothing else.
    response = client.post(url, {"all_of_kind": ["provincial_association"]})
    assert response.status_code == 302
    assert {c.organization for c in Cascade.objects.filter(source=national.task)} == {world.prov_a, world.prov_b}


def test_a_group_box_adds_to_the_units_ticked_one_by_one(world, signed_in, national):
    client = signed_in(world.national_clerk)
    url = reverse("tracking:cascade", args=[national.task.pk])
    client.post(url, {"all_of_kind": ["provincial_association"], "organizations": [world.society_dept.pk]})
    assert {c.organization for c in Cascade.objects.filter(source=national.task)} == \
        {world.prov_a, world.prov_b, world.society_dept}
