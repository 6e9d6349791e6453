"""The 三长/四长 roster: grassroots leaders (院长, 校长, 站长 …) on association committees, one
person record each; the page counts active entries per post kind for the association's own
committee and per association below; activities led counts the activities listing the person
among their experts; the Excel export shows what the page shows; entries are added and ended
through the services (refusals name the field, nothing half-saved, audited); another province's
roster is out of reach; the plan measure counts active entries in the subtree."""

import datetime as dt
import io

import lxml.html
import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from kexie.activities import services as activities
from kexie.audit.models import AuditLog
from kexie.coverage import selectors, services
from kexie.coverage.models import RosterEntry
from kexie.people import services as people
from kexie.plans import measures
from tests.activities.helpers import activity


def person(world, name, org=None, unit="中牟县人民医院"):
    return people.person_create(by=world.provincial_clerk, organization=org or world.prov_a, data={"name": name},
                                positions=[{"unit_name": unit}])


def add(world, org, who, kind="hospital", unit="中牟县人民医院", title="院长", role="member", **data):
    return services.roster_add(by=world.provincial_clerk, organization=org, person=who, data={
        "post_kind": kind, "post_unit": unit, "post_title": title, "committee_role": role,
        "term_starts_on": dt.date(2024, 1, 1), "term_ends_on": dt.date(2028, 12, 31), **data})


@pytest.fixture
def roster(world):
    zhang = person(world, "张院长")
    li = person(world, "李校长", unit="中牟县第一高级中学")
    wang = person(world, "王站长", unit="中牟县农技推广站")
    zhao = person(world, "赵总", unit="中牟县绿源食品公司")
    e = {
        "zhang": add(world, world.county_a, zhang, role="part_time_vice_chair"),
        "li": add(world, world.county_a, li, kind="school", unit="中牟县第一高级中学", title="校长", role="standing"),
        "wang": add(world, world.city_a, wang, kind="agri_station", unit="中牟县农技推广站", title="站长"),
        "zhao": add(world, world.prov_a, zhao, kind="enterprise", unit="中牟县绿源食品公司", title="董事长"),
        "gone": add(world, world.county_a, person(world, "钱前任"), kind="school", unit="中牟县实验小学",
                    title="校长"),
    }
    services.roster_end(by=world.provincial_clerk, entry=e["gone"], ended_on=dt.date(2026, 6, 30), reason="退休")
    # Activities with 张院长 among the experts: two held, one cancelled (not counted).
    activity(world, title="健康科普进乡村", experts=[zhang.pk])
    activity(world, title="县域医共体学术沙龙", experts=[zhang.pk, wang.pk], kind="salon")
    cancelled = activity(world, title="取消的义诊", experts=[zhang.pk], held=False)
    activities.activity_cancel(by=world.national_clerk, activity=cancelled, reason="天气原因")
    return e


def test_counts_per_post_kind_own_committee_and_each_association_below(world, roster):
    counts = {(c.organization.pk, c.own_only): c for c in selectors.roster_counts(world.prov_a)}
    own = counts[(world.prov_a.pk, True)]
    assert own.counts == {"enterprise": 1} and own.total == 1
    city = counts[(world.city_a.pk, False)]  # its own committee and its county's
    assert city.counts == {"hospital": 1, "school": 1, "agri_station": 1} and city.total == 3
    city_rows = {(c.organization.pk, c.own_only): c for c in selectors.roster_counts(world.city_a)}
    assert city_rows[(world.county_a.pk, False)].counts == {"hospital": 1, "school": 1}  # not the ended entry
    assert selectors.roster_totals(world.prov_a) == {"hospital": 1, "school": 1, "agri_station": 1,
                                                     "enterprise": 1, "park": 0}


def test_activities_led_counts_the_activities_listing_the_person_as_expert(world, roster):
    led = {row.entry.person.name: row.activities_led for row in selectors.roster_rows(world.prov_a)}
    assert led == {"张院长": 2, "李校长": 0, "王站长": 1, "赵总": 0}


def test_the_page_shows_the_counts_and_the_entries_and_the_export_agrees(world, roster, signed_in):
    client = signed_in(world.provincial_clerk)
    query = f"?org={world.prov_a.pk}"
    response = client.get(reverse("coverage:roster") + query)
    assert response.status_code == 200
    tree = lxml.html.fromstring(response.content.decode())

    def table(table_id):
        return [[cell.text_content().strip() for cell in tr.xpath("./td")]
                for tr in tree.xpath(f"//table[@id='{table_id}']/tbody/tr")]

    entries = [row[:10] for row in table("roster")]
    assert {row[1] for row in entries} == {"张院长", "李校长", "王站长", "赵总"}
    zhang = next(row for row in entries if row[1] == "张院长")
    assert zhang[2:6] == ["医院院长", "中牟县人民医院", "院长", "兼职副主席"] and zhang[9] == "2"
    counts = table("roster-counts")

    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("coverage:roster_export") + query).content))
    sheet = book["名册"]
    header_row = next(i for i, row in enumerate(sheet.iter_rows(values_only=True), 1) if row[0] == "组织")
    exported = [["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(min_row=header_row + 1, values_only=True)]
    assert exported == entries
    stats = book["统计"]
    header_row = next(i for i, row in enumerate(stats.iter_rows(values_only=True), 1) if row[0] == "组织")
    stat_rows = [[str(v) for v in row] for row in stats.iter_rows(min_row=header_row + 1, values_only=True)]
    assert stat_rows[:-1] == counts
    assert stat_rows[-1] == ["合计", "1", "1", "1", "1", "0", "4"]

    # Ended entries are shown on request, in the page and the export alike.
    page = client.get(reverse("coverage:roster") + query + "&ended=1").content.decode()
    assert "钱前任" in page and "已于2026-06-30终止" in page
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("coverage:roster_export") + query + "&ended=1").content))
    assert any(row[1] == "钱前任" for row in book["名册"].iter_rows(values_only=True))


def test_a_clerk_adds_and_ends_an_entry_from_the_pages(world, signed_in):
    who = person(world, "孙院长")
    client = signed_in(world.provincial_clerk)
    url = reverse("coverage:roster_add") + f"?org={world.county_a.pk}"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"organization": world.county_a.pk, "person": who.pk, "post_kind": "hospital",
                            "post_unit": "", "post_title": "院长", "committee_role": "member"})
    assert bad.status_code == 400 and not RosterEntry.objects.exists()
    response = client.post(url, {"organization": world.county_a.pk, "person": who.pk, "post_kind": "hospital",
                                 "post_unit": "中牟县中医院", "post_title": "院长", "committee_role": "vice_chair",
                                 "term_starts_on": "2025-01-01", "term_ends_on": "2029-12-31"})
    assert response.status_code == 302
    entry = RosterEntry.objects.get()
    assert (entry.organization, entry.person, entry.post, entry.committee_role) == (
        world.county_a, who, "中牟县中医院院长", "vice_chair")
    assert AuditLog.objects.filter(action="create", object_type="coverage.rosterentry").count() == 1

    end = reverse("coverage:roster_end", args=[entry.pk])
    assert client.get(end).status_code == 200
    assert client.post(end, {"ended_on": "2024-01-01"}).status_code == 400  # before the term
    assert client.post(end, {"ended_on": "2026-11-30", "end_reason": "调任"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.active, entry.ended_on, entry.end_reason) == (False, dt.date(2026, 11, 30), "调任")


def test_the_services_refuse_bad_input_naming_the_field(world):
    who = person(world, "周院长")
    with pytest.raises(ValidationError) as refused:
        add(world, world.county_a, who, kind="mayor", unit="", title="", role="boss",
            term_starts_on="2026-01-01", term_ends_on="2025-01-01")
    assert set(refused.value.message_dict) == {"post_kind", "post_unit", "post_title", "committee_role",
                                               "term_ends_on"}
    add(world, world.county_a, who)
    with pytest.raises(ValidationError) as twice:
        add(world, world.county_a, who)
    assert "person" in twice.value.message_dict
    outsider = people.person_create(by=world.national_clerk, organization=world.prov_b, data={"name": "乙省人员"})
    with pytest.raises(ValidationError) as unseen:
        add(world, world.county_a, outsider)
    assert "person" in unseen.value.message_dict
    assert RosterEntry.objects.count() == 1


def test_scope_and_codes(world, roster, signed_in):
    with pytest.raises(Http404):
        services.roster_add(by=world.provincial_clerk, organization=world.county_b, person=roster["zhang"].person,
                            data={"post_kind": "hospital", "post_unit": "乙县医院", "post_title": "院长"})
    with pytest.raises(PermissionDenied):
        services.roster_end(by=world.county_clerk, entry=roster["zhang"], ended_on=dt.date(2026, 7, 1))
    # Another province's clerk neither sees nor ends the roster.
    other = signed_in(world.other_provincial_clerk)
    assert other.get(reverse("coverage:roster") + f"?org={world.prov_a.pk}").status_code == 404
    assert other.get(reverse("coverage:roster_end", args=[roster["zhang"].pk])).status_code == 404
    assert "张院长" not in other.get(reverse("coverage:roster")).content.decode()
    county = signed_in(world.county_clerk)
    page = county.get(reverse("coverage:roster")).content.decode()
    assert "张院长" in page and "王站长" not in page  # the county sees its own subtree only
    assert 'id="roster-add"' not in page
    assert county.get(reverse("coverage:roster") + f"?org={world.city_a.pk}").status_code == 404


def test_the_plan_measure_counts_active_entries_in_the_subtree(world, roster):
    measure = measures.get("coverage.roster.hospital")
    assert measure is not None and measure.unit == "人"
    assert measure.count(world.prov_a, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 1
    assert measure.count(world.county_b, dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == 0
    assert measures.get("coverage.roster.school").count(world.city_a, None, dt.date(2026, 12, 31)) == 1
    assert measures.get("coverage.roster.school").count(world.city_a, None, dt.date(2023, 12, 31)) == 0


def test_the_leader_sees_their_own_committee_posts_at_home(world, roster):
    from kexie.accounts.home import home_for
    from tests.personas import make_external

    account = make_external("zhang.yz@example.cn", full_name="张院长")
    people.person_link_account(by=world.provincial_clerk, person=roster["zhang"].person, address="zhang.yz@example.cn")
    blocks = {block["section"].key: block for block in home_for(account)}
    (item,) = blocks["coverage.committees"]["items"]
    assert item.title == world.county_a.name and item.status == "兼职副主席" and "中牟县人民医院院长" in item.detail
    other = make_external("nobody@example.cn", full_name="路人")
    assert "coverage.committees" not in {block["section"].key for block in home_for(other)}


def test_the_person_picker_offers_the_records_the_clerk_may_see(world, signed_in):
    mine = person(world, "吴院长")
    theirs = people.person_create(by=world.national_clerk, organization=world.prov_b, data={"name": "吴乙省"})

    def picked(user, q):
        response = signed_in(user).get(reverse("people:pick"), {"field": "coverage.roster_person", "q": q})
        return {row["id"] for row in response.json()["results"]}

    assert mine.pk in picked(world.provincial_clerk, "吴") and theirs.pk not in picked(world.provincial_clerk, "吴")
