"""Works lists in BibTeX, RIS and CSV, and their import into an expert entry."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.people import services
from kexie.people.works import WorksError, parse_bibtex, parse_csv, parse_ris
from tests.people.helpers import person

BIB = r"""
% exported by a reference manager
@string{jos = "软件学报"}
@article{zhang2021,
  title   = {基于{图神经网络}的专家匹配},
  author  = {张伟 and Li, Ming and 王芳},
  journal = jos,
  year    = 2021,
}
@inproceedings{li2019,
  title = "Deep {L}earning for " # "Review Panels",
  author = "Li, Ming",
  booktitle = {Proceedings of CVPR},
  year = {2019}
}
@comment{ignored}
"""

RIS = """TY  - JOUR
TI  - 科技评估方法研究
AU  - 张伟
AU  - 李娜
PY  - 2018/05/01
JO  - 科学学研究
ER  - 
TY  - BOOK
T1  - 专家库建设
A1  - 张伟
Y1  - 2020
PB  - 科学出版社
ER  - 
"""


def test_bibtex_reads_braces_quotes_strings_and_concatenation():
    works = parse_bibtex(BIB)
    assert works == [
        {"title": "基于图神经网络的专家匹配", "year": 2021, "authors": ["张伟", "Li, Ming", "王芳"], "venue": "软件学报"},
        {"title": "Deep Learning for Review Panels", "year": 2019, "authors": ["Li, Ming"],
         "venue": "Proceedings of CVPR"}]


def test_bibtex_with_an_unclosed_brace_is_an_error():
    with pytest.raises(WorksError):
        parse_bibtex("@article{x, title={open")


def test_ris_reads_records_up_to_er():
    assert parse_ris(RIS) == [
        {"title": "科技评估方法研究", "year": 2018, "authors": ["张伟", "李娜"], "venue": "科学学研究"},
        {"title": "专家库建设", "year": 2020, "authors": ["张伟"], "venue": "科学出版社"}]
    with pytest.raises(WorksError):
        parse_ris("TY  - JOUR\nTI  - 未完\n")


def test_csv_takes_chinese_or_english_headers():
    assert parse_csv("题名,年份,作者,期刊\n论文一,2018,张三;李四,某刊\n,2019,,\n") == [
        {"title": "论文一", "year": 2018, "authors": ["张三", "李四"], "venue": "某刊"}]
    assert parse_csv("title,year,authors,venue\nA paper,2020,Li Ming,Nature\n")[0]["venue"] == "Nature"


def test_an_uploaded_bibtex_file_adds_works_and_links_co_authors_on_record(world, signed_in):
    expert = person(world, "张伟")
    coauthor = person(world, "王芳", unit="甲省农科院")
    entry = services.entry_add(by=world.provincial_clerk, organization=world.prov_a, person=expert)
    client = signed_in(world.provincial_clerk)

    response = client.post(reverse("people:works_import", args=[entry.pk]),
                           {"file": SimpleUploadedFile("works.bib", BIB.encode())})

    assert response.status_code == 302
    work = entry.works.get(year=2021)
    assert work.coauthors == ["Li, Ming", "王芳"]  # the expert is not their own co-author
    assert list(work.coauthor_persons.all()) == [coauthor]
    page = client.get(reverse("people:entry", args=[entry.pk])).content.decode()
    assert "基于图神经网络的专家匹配" in page and "Deep Learning for Review Panels" in page


def test_a_file_of_another_kind_is_refused(world, signed_in):
    entry = services.entry_add(by=world.provincial_clerk, organization=world.prov_a, person=person(world))
    client = signed_in(world.provincial_clerk)

    client.post(reverse("people:works_import", args=[entry.pk]), {"file": SimpleUploadedFile("w.exe", b"MZ")})

    assert not entry.works.exists()
