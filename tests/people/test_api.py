"""The people API: masked personal data, scope, writes through the services, documented answers."""

from django.urls import reverse

from kexie.people import services
from kexie.people.models import Person
from tests.api_conformance import assert_documented
from tests.people.helpers import ID_A, person

JSON = {"content_type": "application/json"}


def test_a_person_is_answered_masked_and_as_documented(world, signed_in):
    p = person(world, phone="13812345678", email="zhang.wei@example.cn", id_number=ID_A, disciplines="520")

    response = signed_in(world.provincial_clerk).get(reverse("api:person-detail", args=[p.pk]))

    body = response.json()
    assert (body["phone"], body["email"], body["id_number"]) == ("138****5678", "z***@example.cn",
                                                                 "110105********002X")
    assert body["positions"][0]["unit"] == "甲省大学" and body["disciplines"] == ["520"]
    assert "13812345678" not in response.content.decode() and ID_A not in response.content.decode()
    assert_documented(response)


def test_the_list_is_scoped_and_searchable(world, signed_in):
    person(world, "欧阳修")
    person(world, "李白", by=world.other_provincial_clerk)
    client = signed_in(world.provincial_clerk)

    names = [p["name"] for p in client.get(reverse("api:person-list")).json()["results"]]
    assert names == ["欧阳修"]
    assert client.get(reverse("api:person-list"), {"q": "oyx"}).json()["count"] == 1


def test_a_person_is_created_and_a_masked_value_sent_back_keeps_the_stored_one(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("api:person-list"), {
        "name": "王芳", "phone": "13900001111", "disciplines": ["210"],
        "positions": [{"unit_name": "甲省农科院", "role": "研究员"}], "honours": [{"name": "省劳动模范", "year": 2020}]},
        **JSON)
    assert response.status_code == 201, response.content
    assert_documented(response)
    pk = response.json()["id"]

    shown = response.json()
    response = client.patch(reverse("api:person-detail", args=[pk]), {"phone": shown["phone"], "title": "研究员"},
                            **JSON)

    assert response.status_code == 200
    p = Person.objects.get(pk=pk)
    assert (p.phone, p.title, p.organization_id) == ("13900001111", "研究员", world.prov_a.pk)


def test_a_bad_code_is_a_400_naming_the_field(world, signed_in):
    response = signed_in(world.provincial_clerk).post(reverse("api:person-list"),
                                                      {"name": "王芳", "disciplines": ["999"]}, **JSON)
    assert response.status_code == 400 and "disciplines" in response.content.decode()
    assert not Person.objects.exists()


def test_expert_entries_are_created_listed_and_suspended(world, signed_in):
    p = person(world)
    client = signed_in(world.provincial_clerk)

    response = client.post(reverse("api:expertentry-list"), {"organization": world.prov_a.pk, "person": p.pk,
                                                               "keywords": ["人工智能"]}, **JSON)
    assert response.status_code == 201, response.content
    entry_id = response.json()["id"]
    response = client.patch(reverse("api:expertentry-detail", args=[entry_id]),
                            {"status": "suspended", "status_reason": "出国访学"}, **JSON)
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert_documented(response)
    listed = client.get(reverse("api:expertentry-list"), {"status": "suspended"}).json()
    assert [e["person_name"] for e in listed["results"]] == ["张伟"]
    assert signed_in(world.other_provincial_clerk).get(
        reverse("api:expertentry-detail", args=[entry_id])).status_code == 404


def test_an_entry_cannot_be_added_to_a_library_outside_the_scope(world, signed_in):
    p = person(world)
    response = signed_in(world.provincial_clerk).post(reverse("api:expertentry-list"),
                                                      {"organization": world.prov_b.pk, "person": p.pk}, **JSON)
    assert response.status_code == 404
    assert not services.library_of(world.prov_b).entries.exists()
