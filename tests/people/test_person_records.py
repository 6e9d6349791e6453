"""A person record: the ID number encrypted, personal data masked, every change audited, scoped."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.people import services
from kexie.people.models import Person
from tests.people.helpers import ID_A, person


def test_the_id_number_is_stored_encrypted_and_found_by_its_digest(world):
    p = person(world, id_number=ID_A.lower(), phone="13812345678", email="zhang.wei@example.cn")

    raw = Person.objects.values("id_number_encrypted", "id_number_digest").get(pk=p.pk)
    assert ID_A not in raw["id_number_encrypted"] and raw["id_number_encrypted"].startswith("sm4gcm:")
    assert p.id_number == ID_A
    assert (p.masked_id_number, p.masked_phone, p.masked_email) == (
        "110105********002X", "138****5678", "z***@example.cn")


def test_creating_a_person_writes_an_audit_row_without_personal_data_in_clear(world):
    p = person(world, id_number=ID_A, phone="13812345678")

    row = AuditLog.objects.get(action="create", object_type="people.person", object_id=str(p.pk))
    assert row.new_values["phone"] == "138****5678" and ID_A not in str(row.new_values)
    assert row.new_values["positions"] == ["甲省大学 教授"]


def test_an_update_audits_only_the_changed_fields(world):
    p = person(world, title="副教授")

    services.person_update(by=world.provincial_clerk, person=p, data={"title": "教授"})

    row = AuditLog.objects.filter(action="update", object_id=str(p.pk)).get()
    assert row.old_values == {"title": "副教授"} and row.new_values == {"title": "教授"}


def test_codes_are_checked_against_the_tables(world):
    with pytest.raises(ValidationError) as error:
        person(world, disciplines="520;999", industries="Z")
    assert set(error.value.message_dict) == {"disciplines", "industries"}

    p = person(world, disciplines="520 计算机科学技术;52020", industries="I;65", region_code="河南")
    assert (p.disciplines, p.industries, p.region_code) == (["520", "52020"], ["I", "65"], "410000")


def test_an_id_number_with_a_wrong_check_digit_is_refused(world):
    with pytest.raises(ValidationError) as error:
        person(world, id_number="110105194912310021")
    assert "id_number" in error.value.message_dict


def test_unmasking_needs_the_permission_and_is_audited(world):
    p = person(world, phone="13812345678")
    with pytest.raises(PermissionDenied):
        services.person_unmask(by=world.provincial_clerk, person=p, field="phone")

    assert services.person_unmask(by=world.national_clerk, person=p, field="phone") == "13812345678"
    row = AuditLog.objects.get(action="unmask", object_id=str(p.pk))
    assert row.detail == "phone" and row.username == "national_clerk"


def test_another_province_does_not_see_the_record(world):
    p = person(world)

    assert not Person.objects.restrict(world.other_provincial_clerk, "person.view").filter(pk=p.pk).exists()
    assert Person.objects.restrict(world.national_clerk, "person.view").filter(pk=p.pk).exists()
    with pytest.raises(Http404):
        services.person_update(by=world.other_provincial_clerk, person=p, data={"title": "教授"})


def test_the_pages_show_personal_data_masked_and_unmask_on_request(world, signed_in):
    p = person(world, phone="13812345678", id_number=ID_A)
    client = signed_in(world.national_clerk)

    page = client.get(reverse("people:detail", args=[p.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page and ID_A not in page

    response = client.post(reverse("people:unmask", args=[p.pk]), {"field": "id_number"})
    assert ID_A in response.content.decode()


def test_the_list_finds_a_person_by_pinyin_initials_and_unit(world, signed_in):
    person(world, "欧阳修", unit="乙省林业大学")
    person(world, "李白", unit="甲省大学")
    client = signed_in(world.provincial_clerk)

    assert "欧阳修" in client.get(reverse("people:list"), {"q": "oyx"}).content.decode()
    page = client.get(reverse("people:list"), {"q": "林业"}).content.decode()
    assert "欧阳修" in page and "李白" not in page


def test_a_person_is_created_and_edited_through_the_pages(world, signed_in):
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("people:create"), {
        "name": "王芳", "gender": "female", "phone": "13900001111", "disciplines": "520", "region_code": "410000",
        "positions": "甲省大学|教授", "honours": "省级教学名师:2019"})
    p = Person.objects.get(name="王芳")
    assert response.status_code == 302 and p.honours.get().year == 2019

    client.post(reverse("people:edit", args=[p.pk]), {"name": "王芳", "title": "教授", "positions": "甲省大学|院长"})
    p.refresh_from_db()
    assert p.title == "教授" and p.phone == "13900001111"  # an empty phone field keeps the number
    assert [str(x) for x in p.positions.all()] == ["甲省大学 院长"]
