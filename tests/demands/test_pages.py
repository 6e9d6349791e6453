"""The staff pages of technical demands: recording one with its milestones (bad input refused next
to its field, nothing saved), the scoped list with its filters, triage on the demand's page
(accept, return with a reason, merge a duplicate), matching experts with reasons and a conflicted
expert kept off, releasing the shortlist, and the funnel whose workbook says what the page says."""

import io

import openpyxl
from django.urls import reverse

from kexie.audit.models import AuditLog
from kexie.demands import services
from kexie.demands.models import Candidate, Demand, DemandMilestone
from kexie.people import services as people

FIELDS = {"enterprise_name": "甲县精工机械有限公司", "contact_name": "李强", "contact_phone": "13900000001",
          "title": "数控机床主轴热变形补偿", "industry": "34", "field": "精密加工",
          "problem": "主轴连续运转两小时后热伸长超过15微米，影响批量零件一致性。",
          "goal": "热误差补偿后加工精度稳定在5微米以内。", "budget": "80", "deadline": "2027-06-30"}


def _page(response) -> str:
    return response.content.decode()


def _demand(world, *, by=None, organization=None, **changes):
    data = {**FIELDS, "budget": 80, "deadline": None, **changes}
    return services.demand_create(by=by or world.county_clerk, organization=organization or world.county_a,
                                  data=data, milestones=[{"title": "方案评审", "due": "2027-01-31"}])


def test_a_county_clerk_records_a_demand_with_its_milestones(world, signed_in):
    client = signed_in(world.county_clerk)
    assert 'id="demand-create"' in _page(client.get(reverse("demands:list")))
    form = _page(client.get(reverse("demands:create")))
    assert 'name="milestone_title_2"' in form and 'name="confidential"' in form
    response = client.post(reverse("demands:create"), {
        **FIELDS, "organization": world.county_a.pk, "milestone_title_1": "样机试制",
        "milestone_due_1": "2027-03-31", "milestone_title_2": "批量验证", "milestone_due_2": "2027-06-30"})
    demand = Demand.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("demands:detail", args=[demand.pk])
    assert (demand.organization, demand.status, demand.submitted_by) == (world.county_a, "submitted",
                                                                          world.county_clerk)
    assert list(demand.milestones.values_list("title", flat=True)) == ["样机试制", "批量验证"]
    page = _page(client.get(reverse("demands:detail", args=[demand.pk])))
    assert "数控机床主轴热变形补偿" in page and "样机试制" in page and "已提交" in page
    assert AuditLog.objects.filter(object_type__startswith="demands", object_id=str(demand.pk)).exists()


def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(world, signed_in):
    client = signed_in(world.county_clerk)
    response = client.post(reverse("demands:create"), {
        **FIELDS, "title": "", "organization": world.county_a.pk, "milestone_due_1": "2027-03-31"})
    page = _page(response)
    assert response.status_code == 400
    title = page.split('name="title"', 1)[1].split("</div>", 1)[0]
    assert "该字段是必填项。" in title
    milestone = page.split('name="milestone_title_1"', 1)[1].split("</div>", 1)[0]
    assert "请填写里程碑名称。" in milestone
    assert not Demand.objects.exists() and not DemandMilestone.objects.exists()


def test_the_list_is_scoped_and_filtered(world, signed_in):
    mine = _demand(world)
    services.demand_accept(by=world.provincial_clerk, demand=_demand(world, title="秸秆饲料化发酵工艺", industry="03"))
    other = _demand(world, by=world.other_provincial_clerk, organization=world.county_b, title="乙县茶叶深加工")
    client = signed_in(world.provincial_clerk)
    page = _page(client.get(reverse("demands:list")))
    assert mine.title in page and "秸秆饲料化发酵工艺" in page and other.title not in page
    filtered = _page(client.get(reverse("demands:list"), {"status": "accepted"}))
    assert "秸秆饲料化发酵工艺" in filtered and mine.title not in filtered
    by_industry = _page(client.get(reverse("demands:list"), {"industry": "34"}))
    assert mine.title in by_industry and "秸秆饲料化发酵工艺" not in by_industry
    assert client.get(reverse("demands:detail", args=[other.pk])).status_code == 404


def test_a_confidential_demand_recorded_with_named_staff_is_seen_by_them_only(world, signed_in):
    client = signed_in(world.county_clerk)
    form = _page(client.get(reverse("demands:create")))
    assert "甲省干事" in form.split('name="named_staff"', 1)[1].split("</select>", 1)[0]
    assert "乙省干事" not in form
    client.post(reverse("demands:create"), {**FIELDS, "title": "新型密封件配方", "organization": world.county_a.pk,
                                            "confidential": "on", "named_staff": [world.provincial_clerk.pk]})
    secret = Demand.objects.get(title="新型密封件配方")
    assert secret.confidential and list(secret.named_staff.all()) == [world.provincial_clerk]
    assert "新型密封件配方" in _page(signed_in(world.provincial_clerk).get(reverse("demands:list")))
    assert signed_in(world.national_clerk).get(reverse("demands:detail", args=[secret.pk])).status_code == 404


def test_a_confidential_demand_is_seen_only_by_its_holder_and_named_staff(world, signed_in):
    secret = _demand(world, title="新型密封件配方", confidential=True)
    client = signed_in(world.provincial_clerk)
    assert "新型密封件配方" not in _page(client.get(reverse("demands:list")))
    assert client.get(reverse("demands:detail", args=[secret.pk])).status_code == 404
    secret.named_staff.add(world.provincial_clerk)
    assert "新型密封件配方" in _page(client.get(reverse("demands:list")))
    assert client.get(reverse("demands:detail", args=[secret.pk])).status_code == 200
    assert "新型密封件配方" not in _page(client.get(reverse("demands:board")))


def test_triage_accept_return_and_merge_from_the_page(world, signed_in):
    first, second, third = _demand(world), _demand(world, title="主轴热变形补偿（重复）"), _demand(world, title="无关需求")
    client = signed_in(world.provincial_clerk)
    page = _page(client.get(reverse("demands:detail", args=[first.pk])))
    assert 'id="demand-accept"' in page and 'id="return-form"' in page and 'id="merge-form"' in page
    assert 'id="publish-form"' not in page and 'id="match-form"' not in page

    refused = client.post(reverse("demands:return", args=[third.pk]), {"reason": ""})
    assert refused.status_code == 400 and "该字段是必填项。" in _page(refused).split('id="return-form"', 1)[1]
    third.refresh_from_db()
    assert third.status == "submitted"
    client.post(reverse("demands:return", args=[third.pk]), {"reason": "属于常规设备采购，不是技术需求。"})
    third.refresh_from_db()
    assert (third.status, third.return_reason) == ("returned", "属于常规设备采购，不是技术需求。")

    assert client.post(reverse("demands:accept", args=[first.pk])).status_code == 302
    client.post(reverse("demands:merge", args=[second.pk]), {"into": first.pk})
    second.refresh_from_db()
    first.refresh_from_db()
    assert (first.status, second.status, second.merged_into_id) == ("accepted", "merged", first.pk)
    page = _page(client.get(reverse("demands:detail", args=[first.pk])))
    assert 'id="match-form"' in page and 'id="publish-form"' in page and 'id="demand-accept"' not in page
    assert "主轴热变形补偿（重复）" in page.split('id="merged-here"', 1)[1]


def test_a_county_clerk_without_demand_manage_gets_no_triage(world, signed_in):
    demand = _demand(world)
    client = signed_in(world.county_clerk)
    page = _page(client.get(reverse("demands:detail", args=[demand.pk])))
    assert 'id="demand-accept"' not in page
    assert client.post(reverse("demands:accept", args=[demand.pk])).status_code == 403


def _library(world):
    by = world.provincial_clerk
    library = None
    for name, unit, keywords in (("王工", "甲省机械研究院", ["数控机床", "热误差补偿"]),
                                 ("赵工", "甲县精工机械有限公司", ["数控机床", "主轴"]),
                                 ("钱工", "甲省农业科学院", ["秸秆", "饲料"])):
        person = people.person_create(by=by, organization=world.prov_a, data={
            "name": name, "title": "高级工程师", "industries": ["34"]}, positions=[{"unit_name": unit}])
        entry = people.entry_add(by=by, organization=world.prov_a, person=person, data={"keywords": keywords})
        library = entry.library
    return library


def test_matching_shows_reasons_keeps_the_conflicted_expert_off_and_releases_the_shortlist(world, signed_in):
    library = _library(world)
    demand = _demand(world)
    services.demand_accept(by=world.provincial_clerk, demand=demand)
    client = signed_in(world.provincial_clerk)
    bad = client.post(reverse("demands:match", args=[demand.pk]), {"library": ""})
    assert bad.status_code == 400 and not Candidate.objects.exists()
    assert client.post(reverse("demands:match", args=[demand.pk]), {"library": library.pk}).status_code == 302
    page = _page(client.get(reverse("demands:detail", args=[demand.pk])))
    table = page.split('id="candidates"', 1)[1].split("</table>", 1)[0]
    assert "王工" in table and "赵工" in table
    conflicted = Candidate.objects.get(person__name="赵工")
    assert conflicted.excluded and conflicted.exclusion_reason in table
    release = page.split('id="release-form"', 1)[1].split("</form>", 1)[0]
    assert "王工" in release and "赵工" not in release
    kept = Candidate.objects.get(person__name="王工")
    assert client.post(reverse("demands:release", args=[demand.pk]), {}).status_code == 400
    client.post(reverse("demands:release", args=[demand.pk]), {"candidates": [kept.pk]})
    kept.refresh_from_db()
    assert kept.released


def test_the_funnel_page_and_its_workbook_agree(world, signed_in):
    _demand(world)
    accepted = _demand(world, title="秸秆饲料化发酵工艺")
    services.demand_accept(by=world.provincial_clerk, demand=accepted)
    _demand(world, by=world.other_provincial_clerk, organization=world.county_b, title="乙县茶叶深加工")
    client = signed_in(world.provincial_clerk)
    page = _page(client.get(reverse("demands:funnel")))
    total = page.split('id="funnel-total"', 1)[1].split("</tr>", 1)[0]
    cells = [c.split("</td>", 1)[0] for c in total.split("<td>")[1:]]
    assert cells[:2] == ["2", "1"]
    assert f'href="?org={world.city_a.pk}"' in page  # the drill-down to the child
    drilled = _page(client.get(reverse("demands:funnel"), {"org": world.city_a.pk}))
    assert "甲市科学技术协会" in drilled and f'id="funnel-{world.county_a.pk}"' in drilled
    assert client.get(reverse("demands:funnel"), {"org": world.prov_b.pk}).status_code == 404

    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("demands:funnel_export")).content))
    rows = list(book.active.values)
    assert rows[1][0] == "甲省科学技术协会" and list(rows[1][1:3]) == [2, 1]
    # Row by row, the workbook says what the page shows (the same selector's figures).
    body = page.split('id="funnel"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    shown = [[cell.split("</td>", 1)[0] for cell in tr.split("<td>")[1:]] for tr in body.split("<tr")[1:]]
    assert len(shown) == len(rows) - 1
    for values, row in zip(shown, rows[1:]):
        figures = values[1:] if len(values) > len(row) - 1 else values
        assert [None if v == "—" else float(v) for v in figures] == \
            [None if v is None else float(v) for v in row[1:]], row
