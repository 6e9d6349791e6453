"""Nominating from the page: a society nominates through its channel, entering a new nominee (kept
as its own person record, audited) with recommenders and materials; the quota shown and, once
used up, the service's refusal with nothing saved; a bad file or discipline code refused next to
its field; a society sees only its own nominations; no channel, no call."""

import html
import io
import re

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.awards import services
from kexie.awards.models import Material, Nomination
from kexie.people.models import Person
from tests.awards.helpers import person


def _call(world, *, society_quota=1):
    by = world.national_clerk
    call = services.call_create(by=by, organization=world.cast, data={
        "title": "2026年全国学会科技奖", "kind": "society", "year": 2026,
        "rules": [{"rule": "materials", "titles": ["推荐书"]}]})
    services.channel_set(by=by, call=call, organization=world.society, quota=society_quota, kind="全国学会")
    services.channel_set(by=by, call=call, organization=world.prov_a, quota=2, kind="省级科协")
    services.call_open(by=by, call=call)
    return call


def _entry(**extra):
    return {"organization": extra.pop("organization"), "name": "周学会", "gender": "female",
            "birth_date": "1988-04-05", "unit": "测试大学", "disciplines": "430", "recommender_names": "王推荐、李推荐",
            "summary": "计量测试新方法", "material_title_1": "推荐书", "material_text_1": "推荐意见……", **extra}


def test_a_society_nominates_a_new_person_with_recommenders_and_materials(world, signed_in):
    call = _call(world)
    client = signed_in(world.society_secretary)
    detail = client.get(reverse("awards:detail", args=[call.pk])).content.decode()
    assert 'id="nominate-link"' in detail
    page = client.get(reverse("awards:nominate", args=[call.pk])).content.decode()
    assert "中国测试学会（全国学会）：已推荐 0/1" in page and 'id="nominate-form"' in page
    assert "甲省科学技术协会" not in page  # only its own channel
    upload = SimpleUploadedFile("代表性论文.txt", "论文正文".encode(), content_type="text/plain")
    response = client.post(reverse("awards:nominate", args=[call.pk]), _entry(
        organization=world.society.pk, material_title_2="代表性论文", material_file_2=upload))
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    nominee = nomination.nominee
    assert (nominee.name, nominee.organization, str(nominee.birth_date), nominee.disciplines) == (
        "周学会", world.society, "1988-04-05", ["430"])
    assert [p.unit_name for p in nominee.positions.all()] == ["测试大学"]
    assert sorted(p.name for p in nomination.recommenders.all()) == ["李推荐", "王推荐"]
    assert [(m.title, bool(m.file), m.text) for m in Material.objects.order_by("pk")] == [
        ("推荐书", False, "推荐意见……"), ("代表性论文", True, "")]
    created = AuditLog.objects.get(action="create", object_type__startswith="people", object_id=str(nominee.pk))
    assert created.detail == "nomination"
    assert "已推荐 1/1" in client.get(reverse("awards:nominate", args=[call.pk])).content.decode()


def test_over_the_quota_the_page_shows_the_services_refusal_and_saves_nothing(world, signed_in):
    call = _call(world)
    client = signed_in(world.society_secretary)
    client.post(reverse("awards:nominate", args=[call.pk]), _entry(organization=world.society.pk))
    persons, materials = Person.objects.count(), Material.objects.count()
    response = client.post(reverse("awards:nominate", args=[call.pk]), _entry(
        organization=world.society.pk, name="吴超额"))
    assert response.status_code == 200
    assert "推荐渠道“中国测试学会”的名额为1名，已全部用完，不能再推荐。" in response.content.decode()
    assert (Nomination.objects.count(), Person.objects.count(), Material.objects.count()) == (1, persons, materials)


def test_a_bad_file_or_discipline_code_is_refused_and_nothing_is_saved(world, signed_in):
    call = _call(world)
    client = signed_in(world.society_secretary)
    persons = Person.objects.count()
    fake = SimpleUploadedFile("推荐书.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(reverse("awards:nominate", args=[call.pk]), _entry(
        organization=world.society.pk, material_title_2="附件", material_file_2=fake))
    assert response.status_code == 200 and "文件“推荐书.pdf”的内容不是有效的 .pdf 文件。" in response.content.decode()
    response = client.post(reverse("awards:nominate", args=[call.pk]), _entry(
        organization=world.society.pk, disciplines="999"))
    page = response.content.decode()
    field = page.split('name="disciplines"', 1)[1].split("</div>", 1)[0]
    assert "未知学科代码：999（GB/T 13745）。" in field  # next to its field
    assert not Nomination.objects.exists() and Person.objects.count() == persons


def test_a_province_picks_the_nominee_from_its_person_records(world, signed_in):
    call = _call(world)
    kept = person(world.provincial_clerk, world.prov_a, "郑已有")
    elsewhere = person(world.other_provincial_clerk, world.prov_b, "外省人")
    client = signed_in(world.provincial_clerk)
    page = client.get(reverse("awards:nominate", args=[call.pk])).content.decode()
    # The page lists no one: the nominee's search box asks the server, within the province's records.
    url = html.unescape(re.search(r'<select name="person"[^>]*data-pick-url="([^"]+)"', page).group(1))
    assert [r["id"] for r in client.get(url + "&q=郑").json()["results"]] == [kept.pk]
    assert client.get(url + "&q=外省").json()["results"] == []
    client.post(reverse("awards:nominate", args=[call.pk]), {
        "organization": world.prov_a.pk, "person": kept.pk, "recommender_persons": [], "summary": ""})
    assert Nomination.objects.get().nominee == kept
    refused = client.post(reverse("awards:nominate", args=[call.pk]), {
        "organization": world.prov_a.pk, "person": elsewhere.pk})
    assert refused.status_code == 200 and Nomination.objects.count() == 1


def test_a_society_sees_only_its_own_nominations_on_the_page_and_in_excel(world, signed_in):
    call = _call(world)
    services.nominate(by=world.society_secretary, call=call, organization=world.society, nominee={"name": "周学会"})
    services.nominate(by=world.provincial_clerk, call=call, organization=world.prov_a, nominee={"name": "甲省人"})
    client = signed_in(world.society_secretary)
    page = client.get(reverse("awards:detail", args=[call.pk])).content.decode()
    rows = page.split('id="nominations"', 1)[1].split("</table>", 1)[0]
    assert "周学会" in rows and "甲省人" not in rows
    assert 'id="channel-form"' not in page and 'id="formal-close"' not in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("awards:export", args=[call.pk])).content))
    assert [r[0] for r in list(book.active.values)[1:]] == ["周学会"]
    national = signed_in(world.national_clerk).get(reverse("awards:detail", args=[call.pk])).content.decode()
    assert "周学会" in national and "甲省人" in national


def test_no_channel_no_call_and_a_draft_is_not_shown_to_its_channels(world, signed_in):
    by = world.national_clerk
    other = services.call_create(by=by, organization=world.cast, data={"title": "省级渠道评选", "kind": "youth", "year": 2026})
    services.channel_set(by=by, call=other, organization=world.prov_a, quota=1)
    services.call_open(by=by, call=other)
    draft = services.call_create(by=by, organization=world.cast, data={"title": "草稿评选", "kind": "youth", "year": 2026})
    services.channel_set(by=by, call=draft, organization=world.society, quota=1)
    client = signed_in(world.society_secretary)
    assert client.get(reverse("awards:nominate", args=[other.pk])).status_code == 404
    assert client.get(reverse("awards:nominate", args=[draft.pk])).status_code == 404
    assert client.post(reverse("awards:nominate", args=[other.pk]), {"organization": world.society.pk,
                                                                      "name": "越界"}).status_code == 404
    assert "草稿评选" not in client.get(reverse("awards:list")).content.decode()
    assert not Nomination.objects.exists()


def test_nominating_needs_award_nominate(world, signed_in):
    call = _call(world)
    client = signed_in(world.county_clerk)  # files progress reports; nominates nobody
    assert client.get(reverse("awards:nominate", args=[call.pk])).status_code == 403
    assert client.post(reverse("awards:nominate", args=[call.pk]), _entry(
        organization=world.society.pk)).status_code == 403
    assert not Nomination.objects.exists()
