"""The person and staff pickers (kexie/people/picker.py): the search behind them returns at most
20 records, only among those the user could pick in the form that asks (another province's
persons and staff never appear), by name, pinyin, initials or unit, never with an ID number; an
unknown or forged picker is not found; the forms list no one but what is chosen, and still refuse
a record outside the scope with a Chinese message on the field."""

import html
import re

from django.urls import reverse

from kexie.people.models import Person
from kexie.people.picker import PICK_LIMIT, picker_token
from kexie.visits.models import ContactDuty
from tests.people.helpers import ID_A, person
from tests.visits.helpers import build


def _pick(client, field, q):
    response = client.get(reverse("people:pick"), {"field": field, "q": q})
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def _labels(client, field, q):
    return [row["label"] for row in _pick(client, field, q)]


def _pick_url(page: str, name: str) -> str:
    """The search address the form gives the picker of field ``name``."""
    found = re.search(rf'<select name="{name}"[^>]*data-pick-url="([^"]+)"', page)
    assert found, f"no picker for {name}"
    return html.unescape(found.group(1))


def test_the_search_finds_persons_in_scope_by_name_pinyin_initials_or_unit(world, signed_in):
    kept = person(world, "张伟", unit="甲省农业大学", id_number=ID_A, title="教授")
    person(world, "张卫东", by=world.other_provincial_clerk, unit="乙省农业大学")
    client = signed_in(world.provincial_clerk)
    for q in ("张", "zhangw", "zw", "甲省农业"):
        assert [row["id"] for row in _pick(client, "visits.person", q)] == [kept.pk], q
    assert _labels(client, "visits.person", "张伟") == ["张伟（甲省农业大学 · 教授）"]
    answer = client.get(reverse("people:pick"), {"field": "visits.person", "q": "张"}).content.decode()
    assert ID_A[-4:] not in answer and "*" not in answer  # no ID number, not even masked
    # 乙省's clerk finds only 乙省's record; an empty search finds no one.
    other = signed_in(world.other_provincial_clerk)
    assert _labels(other, "visits.person", "张") == ["张卫东（乙省农业大学）"]
    assert _pick(client, "visits.person", "  ") == [] and _pick(client, "visits.person", "·") == []


def test_the_search_returns_at_most_twenty(world, signed_in):
    for n in range(PICK_LIMIT + 5):
        Person.objects.create(organization=world.prov_a, name=f"同名{n:02d}")
    assert len(_pick(signed_in(world.provincial_clerk), "visits.person", "同名")) == PICK_LIMIT


def test_the_staff_search_finds_only_staff_of_the_users_subtree(world, signed_in):
    s = build(world)
    assert _pick(signed_in(world.provincial_clerk), "visits.staff", "甲市") == [
        {"id": s.city_clerk.pk, "label": "甲市干事（甲市科学技术协会）"}]
    assert _pick(signed_in(world.other_provincial_clerk), "visits.staff", "甲市") == []
    # A user without the visits code may pick no one.
    assert _pick(signed_in(world.no_role_user), "visits.staff", "甲市") == []


def test_an_unknown_or_forged_picker_is_not_found_and_anonymous_callers_sign_in(world, client, signed_in):
    url = reverse("people:pick")
    anonymous = client.get(url, {"field": "visits.person", "q": "张"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("accounts:login"))
    user = signed_in(world.provincial_clerk)
    assert user.get(url, {"field": "people.everyone", "q": "张"}).status_code == 404
    assert user.get(url, {"q": "张"}).status_code == 400
    # A picker with parameters answers only to its signed token: not to its bare name, nor to a
    # token whose parameters were changed.
    assert user.get(url, {"field": "awards.nominee", "q": "张"}).status_code == 404
    token = picker_token("awards.nominee", organizations=[world.prov_a.pk])
    forged = token.replace(token.split(":")[0], picker_token("awards.nominee", organizations=[world.prov_b.pk])
                           .split(":")[0])
    assert user.get(url, {"field": token, "q": "张"}).status_code == 200
    assert user.get(url, {"field": forged, "q": "张"}).status_code == 404


def test_the_nominee_picker_searches_the_persons_the_form_accepts(world, signed_in):
    from tests.awards.test_pages_nominate import _call

    call = _call(world)
    kept = person(world, "郑已有")
    person(world, "郑外省", by=world.other_provincial_clerk)
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("awards:nominate", args=[call.pk])).content.decode()
    assert "郑已有" not in page  # the page lists no one
    for field in ("person", "recommender_persons"):
        assert [r["id"] for r in client.get(_pick_url(page, field) + "&q=郑").json()["results"]] == [kept.pk]


def test_the_forms_show_only_the_chosen_and_refuse_out_of_scope_ids_in_chinese(world, signed_in):
    s = build(world)
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("visits:visit_create")).content.decode()
    assert "程远山" not in page and "甲市干事" not in page
    assert _pick_url(page, "persons").startswith(reverse("people:pick"))
    assert _pick_url(page, "followup_owner").startswith(reverse("people:pick"))

    # A refused visit comes back with what was chosen, and only that.
    response = client.post(reverse("visits:visit_create"), {
        "team": s.team.pk, "date": "2026-05-10", "place": "甲县", "problem": "虫害",
        "persons": [s.leader.pk, s.outsider.pk]})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"人员 {s.outsider.pk} 不在此处可选的范围内，请重新搜索选择。" in page
    assert "岳明川" in page and "宁知秋" not in page and "闻予安" not in page

    response = client.post(reverse("visits:duty_create"), {
        "organization": world.prov_a.pk, "person": s.outsider.pk, "owner": s.city_clerk.pk, "cadence_days": 30})
    assert response.status_code == 400
    assert "该人员不在此处可选的范围内，请重新搜索选择。" in response.content.decode()
    other_clerk = world.other_provincial_clerk
    response = client.post(reverse("visits:duty_create"), {
        "organization": world.prov_a.pk, "person": s.academician.pk, "owner": other_clerk.pk, "cadence_days": 30})
    assert response.status_code == 400
    assert "该工作人员不在可承担此项工作的范围内，请重新搜索选择。" in response.content.decode()
    assert not ContactDuty.objects.exists()
    response = client.post(reverse("visits:duty_create"), {
        "organization": world.prov_a.pk, "person": s.academician.pk, "owner": s.city_clerk.pk, "cadence_days": 30})
    assert response.status_code == 302
    assert ContactDuty.objects.get().person == s.academician
