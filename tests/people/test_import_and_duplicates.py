"""Importing persons from Excel: a review of new / exact / possible duplicates before saving,
row-level Chinese errors, nothing half-saved."""

from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.people import importers, services
from kexie.people.dedupe import Candidate, compare, fold, pairs
from kexie.people.models import Person
from kexie.people.selectors import duplicate_pairs
from tests.people.helpers import ID_A, ID_B, person, xlsx_upload


def test_folding_joins_traditional_full_width_and_spaced_names():
    assert fold("張　偉") == fold("张伟") == "张伟" and fold("ＺＨＡＮＧ Ｗｅｉ") == "zhangwei"
    assert fold("阿依古丽·买买提") == "阿依古丽买买提"


def test_the_same_id_number_is_the_same_person_whatever_the_name():
    assert compare(Candidate(1, "张伟", id_digest="x"), Candidate(2, "張偉", id_digest="x")) == ("exact", ["id_number"])
    assert compare(Candidate(1, "张伟", id_digest="x"), Candidate(2, "张伟", id_digest="y")) is None


def test_name_unit_and_phone_together_make_an_exact_duplicate():
    a = Candidate(1, "张伟", {"甲省大学"}, "138 1234 5678")
    b = Candidate(2, "張偉", {"甲省大学"}, "+86 13812345678")
    assert compare(a, b) == ("exact", ["name", "unit", "phone"])


def test_the_same_pinyin_with_a_shared_unit_is_a_possible_duplicate():
    assert compare(Candidate(1, "张伟", {"甲省大学"}), Candidate(2, "章伟", {"甲省大学"})) == (
        "possible", ["pinyin", "unit"])
    # the same sound and nothing else in common is not flagged: 张伟 is a common name
    assert compare(Candidate(1, "张伟", {"甲省大学"}), Candidate(2, "章伟", {"乙省医院"})) is None


def test_pairs_are_found_within_groups_only():
    found = pairs([Candidate(1, "张伟", {"甲大"}), Candidate(2, "章伟", {"甲大"}), Candidate(3, "李娜", {"甲大"})])
    assert [(a.key, b.key, kind) for a, b, kind, _r in found] == [(1, 2, "possible")]


def test_the_review_sorts_rows_into_new_exact_and_possible(world):
    person(world, "张伟", unit="甲省大学", phone="13812345678")
    person(world, "李娜", unit="甲省医院", id_number=ID_A)
    rows = importers.read_person_file(xlsx_upload([
        ["張偉", "男", "", "138-1234-5678", "甲省大学", "教授", "520", "河南", ""],   # exact: name+unit+phone
        ["李娜娜", "女", ID_A, "", "乙省医院", "", "", "", ""],                       # exact: ID number
        ["章伟", "男", "", "", "甲省大学", "讲师", "520", "", ""],                   # possible: pinyin + unit
        ["王芳", "女", ID_B, "13900001111", "甲省农科院", "研究员", "210", "", "省劳动模范:2020"],  # new
    ]))

    results = importers.validate_rows(rows, by=world.provincial_clerk)

    assert [r.kind for r in results] == ["exact", "exact", "possible", "new"]
    assert "姓名拼音相同、单位相同" in results[2].matches[0]["reasons"]
    assert results[3].honours == [{"name": "省劳动模范", "year": 2020}]


def test_a_bad_row_is_reported_in_chinese_and_nothing_is_saved(world, signed_in):
    client = signed_in(world.provincial_clerk)
    upload = xlsx_upload([["王芳", "女", "110105194912310021", "", "甲省大学", "", "999", "", ""],
                          ["李四", "", "", "", "", "", "", "", ""]])

    page = client.post(reverse("people:import"), {"file": upload}).content.decode()

    assert "身份证号：" in page and "学科代码：未知学科代码：999" in page
    assert "import-confirm" not in page
    response = client.post(reverse("people:import_confirm"), {"token": client.session["people_import"]["token"]})
    assert response.status_code == 400 and not Person.objects.exists()


def test_the_clerk_saves_the_new_rows_and_the_possible_duplicate_shows_for_review(world, signed_in):
    existing = person(world, "张伟", unit="甲省大学", phone="13812345678")
    client = signed_in(world.provincial_clerk)
    upload = xlsx_upload([["張偉", "男", "", "13812345678", "甲省大学", "", "", "", ""],
                          ["章伟", "男", "", "", "甲省大学", "", "", "", ""],
                          ["王芳", "女", ID_B, "", "甲省农科院", "", "210", "河南省", ""]])
    page = client.post(reverse("people:import"), {"file": upload}).content.decode()
    assert "新增 1 人；已登记（跳过）1 人；疑似重复（保存后核对）1 人。" in page

    response = client.post(reverse("people:import_confirm"), {"token": client.session["people_import"]["token"]})

    assert response.status_code == 302 and response["Location"] == reverse("people:duplicates")
    assert sorted(Person.objects.values_list("name", flat=True)) == ["张伟", "王芳", "章伟"]
    assert Person.objects.get(name="王芳").id_number == ID_B
    found = duplicate_pairs(world.provincial_clerk)
    assert [{p["a"].name, p["b"].name} for p in found] == [{"张伟", "章伟"}]
    assert existing.pk in {found[0]["a"].pk, found[0]["b"].pk}
    row = AuditLog.objects.get(action="import", object_type="organizations.organization")
    assert row.new_values == {"rows": 3, "created": 2, "skipped": 1}
    # Each saved record has its own creation row, positions included, personal data masked.
    created = {r.object_repr: r.new_values for r in AuditLog.objects.filter(action="create", object_type="people.person")
               .exclude(object_id=str(existing.pk))}
    assert set(created) == {"章伟", "王芳"}
    assert created["章伟"]["positions"] == ["甲省大学"]
    assert created["王芳"]["id_number"] != ID_B and created["王芳"]["organization"] == world.prov_a.pk


def test_the_import_compares_within_the_clerks_scope_only(world):
    person(world, "张伟", by=world.other_provincial_clerk, unit="甲省大学", phone="13812345678")
    rows = importers.read_person_file(xlsx_upload([["张伟", "", "", "13812345678", "甲省大学", "", "", "", ""]]))

    assert [r.kind for r in importers.validate_rows(rows, by=world.provincial_clerk)] == ["new"]


def test_a_csv_with_full_width_and_traditional_text_is_read(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("人员.csv", "姓名,手机,工作单位\n張　偉,１３８１２３４５６７８,甲省大學\n".encode("gb18030"))
    person(world, "张伟", unit="甲省大学", phone="13812345678")

    results = importers.validate_rows(importers.read_person_file(upload), by=world.provincial_clerk)

    assert results[0].kind == "exact"
    services.persons_import(by=world.provincial_clerk, organization=world.prov_a, rows=importers.read_person_file(
        SimpleUploadedFile("人员.csv", "姓名,手机,工作单位\n張　偉,１３８１２３４５６７８,甲省大學\n".encode("gb18030"))))
    assert Person.objects.count() == 1
