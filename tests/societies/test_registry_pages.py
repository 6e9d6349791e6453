"""The registry as a user meets it: services, the list with its filters and term alerts, the
detail page, the export, and a secretary who sees only their own society."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.societies import services
from kexie.societies.models import BodyMember, GoverningBody, SocietyProfile

from .conftest import make_society


def test_a_society_secretary_sees_only_their_own_society(world, societies, signed_in):
    client = signed_in(world.society_secretary)
    listing = client.get(reverse("societies:list"))
    assert listing.status_code == 200
    assert "中国测试学会" in listing.text and "中国甲物理学会" not in listing.text
    assert client.get(reverse("societies:detail", args=[societies.testing.pk])).status_code == 200
    assert client.get(reverse("societies:detail", args=[societies.physics.pk])).status_code == 404
    assert client.get(reverse("societies:edit", args=[societies.physics.pk])).status_code == 404
    with pytest.raises(Http404):
        services.journal_save(by=world.society_secretary, society=societies.physics, data={"title": "甲物理学报"})
    assert not societies.physics.journals.exists()


def test_profile_create_and_update_are_audited(world, societies):
    profile = services.society_create(
        by=world.national_clerk, parent=world.cast, name="中国丙化学会", kind="national_society",
        organization_fields={"short_name": "丙化学会"},
        profile={"discipline": "science", "individual_members": 900, "secretary_general": "李四"})
    assert profile.organization.parent == world.cast and profile.individual_members == 900
    services.profile_save(by=world.national_clerk, organization=profile.organization,
                          data={"secretary_general_full_time": True})
    rows = AuditLog.objects.filter(object_type="societies.societyprofile", object_id=str(profile.pk))
    assert sorted(rows.values_list("action", flat=True)) == ["create", "update"]
    assert rows.get(action="update").new_values == {"secretary_general_full_time": True}
    with pytest.raises(ValidationError) as refused:
        services.profile_save(by=world.national_clerk, organization=world.prov_a, data={"discipline": "science"})
    assert "学会" in str(refused.value) or "society" in str(refused.value)


def test_a_new_term_needs_a_higher_number_and_keeps_its_members(world, societies):
    body = services.body_term_create(
        by=world.society_secretary, society=societies.testing, kind="council", term_number=9,
        elected_on=dt.date(2026, 6, 1), term_ends_on=dt.date(2031, 6, 1),
        members=[{"name": "张三", "post": "理事长", "affiliation": "甲大学"}, {"name": "李四", "post": "秘书长"}])
    assert list(BodyMember.objects.filter(body=body).values_list("name", flat=True)) == ["张三", "李四"]
    with pytest.raises(ValidationError) as refused:
        services.body_term_create(by=world.society_secretary, society=societies.testing, kind="council",
                                  term_number=9, elected_on=dt.date(2026, 7, 1), term_ends_on=dt.date(2031, 7, 1))
    assert "term_number" in refused.value.message_dict
    assert GoverningBody.objects.filter(society=societies.testing).count() == 2


def test_term_alerts_flag_the_overdue_councils_in_list_and_detail(world, societies, signed_in):
    GoverningBody.objects.filter(society=societies.testing).update(term_ends_on=dt.date(2099, 6, 1))
    late = make_society(world.cast, "中国丁地学会")
    GoverningBody.objects.create(society=late, kind="council", term_number=4, elected_on=dt.date(2015, 5, 1),
                                 term_ends_on=dt.date(2020, 5, 1))
    renewed = make_society(world.cast, "中国戊力学会")
    GoverningBody.objects.create(society=renewed, kind="council", term_number=4, elected_on=dt.date(2015, 5, 1),
                                 term_ends_on=dt.date(2020, 5, 1))
    services.body_term_create(by=world.national_clerk, society=renewed, kind="council", term_number=5,
                              elected_on=dt.date(2020, 5, 1), term_ends_on=dt.date(2099, 5, 1))
    client = signed_in(world.national_clerk)
    overdue = client.get(reverse("societies:list"), {"overdue": "on"})
    names = [row for row in overdue.text.split("<tr>") if "term-overdue" in row]
    assert len(names) == 1 and "中国丁地学会" in names[0]
    assert overdue.context["overdue_count"] == 1
    detail = client.get(reverse("societies:detail", args=[late.pk]))
    assert "term-overdue" in detail.text
    assert "term-overdue" not in client.get(reverse("societies:detail", args=[renewed.pk])).text


def test_the_list_filters_by_discipline_pinyin_and_supervising_body(world, societies, signed_in):
    services.profile_save(by=world.national_clerk, organization=societies.crops.organization,
                          data={"supervising_body_name": "农业农村部"})
    client = signed_in(world.national_clerk)

    def names(**params):
        text = client.get(reverse("societies:list"), params).text
        return {n for n in ("中国测试学会", "中国甲物理学会", "中国乙作物学会") if n in text}

    assert names(discipline="science") == {"中国甲物理学会"}
    assert names(q="zgcs") == {"中国测试学会"}  # pinyin initials of 中国测试
    assert names(supervising="农业") == {"中国乙作物学会"}


def test_the_export_holds_the_filtered_list_and_is_audited(world, societies, signed_in):
    response = signed_in(world.national_clerk).get(reverse("societies:export"), {"discipline": "agriculture"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[2]]
    assert headers[0] == "学会名称" and headers[-1] == "换届逾期"
    rows = [[c for c in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert [row[0] for row in rows] == ["中国乙作物学会"] and rows[0][5] == 120
    assert AuditLog.objects.filter(action="export", object_type="societies.societyprofile").exists()


def test_detail_page_forms_record_inspections_journals_and_reachability(world, societies, signed_in):
    client = signed_in(world.society_secretary)
    url = lambda name: reverse(f"societies:{name}", args=[societies.testing.pk])  # noqa: E731
    client.post(url("inspection_add"), {"year": 2024, "result": "qualified"})
    client.post(url("journal_add"), {"title": "测试学报", "issn": "1000-0001"})
    client.post(url("reachable"), {"reachable": "0", "since": "2025-01-01"})
    client.post(url("member_add"), {"kind": "group", "name": "甲研究院", "member_number": "G001"})
    response = client.post(url("member_add"), {"kind": "group", "name": "乙研究院", "member_number": "G001"})
    assert response.status_code == 302
    profile = SocietyProfile.objects.get(pk=societies.testing.pk)
    assert profile.inspections.get().result == "qualified" and profile.journals.get().title == "测试学报"
    assert profile.reachable is False and profile.unreachable_since == dt.date(2025, 1, 1)
    assert profile.member_records.count() == 1  # the second one repeated the member number
    page = client.get(reverse("societies:detail", args=[profile.pk]))
    assert "测试学报" in page.text and "甲研究院" in page.text


def test_registry_changes_need_society_manage(world, societies):
    with pytest.raises(PermissionDenied):
        services.inspection_record(by=world.no_role_user, society=societies.testing, year=2024, result="qualified")


def test_a_society_organisation_without_a_profile_is_listed_and_gets_one(world, societies, signed_in):
    from kexie.organizations.services import organization_create

    bare = organization_create(by=None, parent=world.cast, name="中国己光学学会", kind="national_society")
    client = signed_in(world.national_clerk)
    assert "中国己光学学会" in client.get(reverse("societies:list")).context["without_profile"][0].name
    response = client.post(reverse("societies:profile_create", args=[bare.pk]),
                           {"discipline": "science", "legal_status": "registered", "party_organization": "branch",
                            "secretariat_staff": 4, "individual_members": 1500, "group_members": 12})
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    profile = SocietyProfile.objects.get(organization=bare)
    assert profile.individual_members == 1500
    assert client.get(reverse("societies:profile_create", args=[world.prov_a.pk])).status_code == 404
