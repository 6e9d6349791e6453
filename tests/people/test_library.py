"""The expert library: entries, status, reviews, filters, and Excel export and import round trip."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kexie.audit.models import AuditLog
from kexie.core.excel import workbook_bytes
from kexie.people import exchange, services
from kexie.people.models import ExpertEntry, Person
from tests.people.helpers import ID_A, ID_B, person


@pytest.fixture
def library(world):
    by = world.provincial_clerk
    a = person(world, "张伟", id_number=ID_A, phone="13812345678", email="zhang.wei@example.cn", gender="male",
               birth_date="1975-04-03", title="教授", disciplines="520;52020", industries="I;65",
               region_code="410000", city="郑州市")
    services.person_update(by=by, person=a, data={}, honours=[{"name": "省青年科技奖", "year": 2015}])
    b = person(world, "王芳", id_number=ID_B, unit="甲省农科院", disciplines="210", region_code="410000")
    e1 = services.entry_add(by=by, organization=world.prov_a, person=a, data={
        "categories": "技术专家;管理专家", "keywords": "人工智能;专家匹配", "avoidances": "甲省大学"})
    e2 = services.entry_add(by=by, organization=world.prov_a, person=b, data={"keywords": "作物育种"})
    services.works_add(by=by, entry=e1, works=[{"title": "专家匹配方法", "year": 2021, "authors": ["王芳", "Li Ming"],
                                                "venue": "软件学报"}])
    services.review_add(by=by, entry=e1, date=dt.date(2026, 6, 1), service="2026年度科技奖励初评", rating=5,
                        comment="认真负责")
    services.relation_add(by=by, person=a, other=b, kind="team", note="同一课题组")
    services.entry_set_status(by=by, entry=e2, status="suspended", reason="出国访学", date=dt.date(2026, 9, 1))
    return e1.library


def _sheets(workbook):
    workbook = load_workbook(io.BytesIO(workbook_bytes(workbook)))  # as a reader of the file sees it
    return {name: [list(row) for row in workbook[name].iter_rows(values_only=True)] for name in workbook.sheetnames}


def test_an_entry_is_unique_per_person_and_library(world, library):
    a = Person.objects.get(name="张伟")
    with pytest.raises(ValidationError):
        services.entry_add(by=world.provincial_clerk, organization=world.prov_a, person=a)
    services.entry_add(by=world.national_clerk, organization=world.cast, person=a)  # another library
    assert ExpertEntry.objects.filter(person=a).count() == 2


def test_suspending_needs_a_reason_and_a_review_a_rating_from_1_to_5(world, library):
    entry = ExpertEntry.objects.get(person__name="张伟")
    with pytest.raises(ValidationError):
        services.entry_set_status(by=world.provincial_clerk, entry=entry, status="withdrawn")
    with pytest.raises(ValidationError):
        services.review_add(by=world.provincial_clerk, entry=entry, date=dt.date(2026, 1, 1), service="评审",
                            rating=6)
    assert AuditLog.objects.filter(action="status", object_type="people.expertentry").count() == 1


def test_the_export_is_masked_unless_unmasked_and_audited(world, library):
    entries = ExpertEntry.objects.restrict(world.national_clerk, "expert.view").filter(library=library)
    masked = _sheets(exchange.export_library(by=world.national_clerk, entries=entries))
    assert masked["专家"][2][1] == "张伟" and masked["专家"][2][4:7] == ["110105********002X", "138****5678", "z***@example.cn"]

    clear = _sheets(exchange.export_library(by=world.national_clerk, entries=entries, unmasked=True))
    assert clear["专家"][2][4:7] == [ID_A, "13812345678", "zhang.wei@example.cn"]
    assert AuditLog.objects.filter(action="unmask", object_type="people.expertentry").count() == 1
    assert AuditLog.objects.filter(action="export", object_type="people.expertentry").count() == 2


def test_export_and_import_back_round_trip_every_field(world, library):
    by = world.national_clerk
    entries = ExpertEntry.objects.restrict(by, "expert.view").filter(library=library)
    first = exchange.export_library(by=by, entries=entries, unmasked=True)
    data = workbook_bytes(first)
    # Everything goes: the file alone must bring the library back.
    from kexie.people.models import PersonRelation, Work

    Work.objects.all().delete()
    PersonRelation.objects.all().delete()
    ExpertEntry.objects.all().delete()
    Person.objects.all().delete()

    upload = SimpleUploadedFile("专家库.xlsx", data)
    count = exchange.import_library(by=by, organization=world.prov_a, sheets=exchange.read_library_file(upload))

    assert count == 2
    again = exchange.export_library(by=by, entries=ExpertEntry.objects.restrict(by, "expert.view"), unmasked=True)
    assert _sheets(again) == _sheets(load_workbook(io.BytesIO(data)))
    assert Person.objects.get(name="张伟").id_number == ID_A


def test_importing_the_same_file_twice_adds_nothing(world, library):
    by = world.national_clerk
    data = workbook_bytes(exchange.export_library(by=by, entries=ExpertEntry.objects.all(), unmasked=True))
    before = _sheets(load_workbook(io.BytesIO(data)))

    exchange.import_library(by=by, organization=world.prov_a,
                            sheets=exchange.read_library_file(SimpleUploadedFile("a.xlsx", data)))

    after = _sheets(exchange.export_library(by=by, entries=ExpertEntry.objects.all(), unmasked=True))
    assert after == before and Person.objects.count() == 2


def test_a_bad_row_refuses_the_whole_file(world, library):
    by = world.national_clerk
    workbook = exchange.export_library(by=by, entries=ExpertEntry.objects.all(), unmasked=True)
    workbook["专家"]["A3"] = "E9"
    workbook["专家"]["R2"] = "冻结"
    before = (Person.objects.count(), ExpertEntry.objects.count())

    with pytest.raises(ValidationError) as error:
        exchange.import_library(by=by, organization=world.cast, sheets=exchange.read_library_file(
            SimpleUploadedFile("a.xlsx", workbook_bytes(workbook))))

    assert "第 2 行" in error.value.messages[0] and "冻结" in error.value.messages[0]
    assert (Person.objects.count(), ExpertEntry.objects.count()) == before


def test_the_library_page_filters_by_discipline_region_status_and_keyword(world, library, signed_in):
    client = signed_in(world.provincial_clerk)
    url = reverse("people:library", args=[library.pk])

    def names(**query):
        page = client.get(url, query).content.decode()
        return [n for n in ("张伟", "王芳") if n in page]

    assert names() == ["张伟", "王芳"]
    assert names(discipline="520") == ["张伟"]
    assert names(status="suspended") == ["王芳"]
    assert names(keyword="育种") == ["王芳"]
    assert names(region="420000") == []
    assert client.get(reverse("people:library_export", args=[library.pk])).status_code == 200


def test_another_province_does_not_see_the_library(world, library, signed_in):
    client = signed_in(world.other_provincial_clerk)
    assert client.get(reverse("people:library", args=[library.pk])).status_code == 404
    assert library.name not in client.get(reverse("people:libraries")).content.decode()
