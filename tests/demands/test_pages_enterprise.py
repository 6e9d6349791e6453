"""An enterprise contact's own pages: filing a demand to the association it picks, with its
milestones and confidentiality; its list and page with the shortlist the association released
(released, not excluded experts only); another account's demand is not found."""

from django.urls import reverse

from kexie.demands import services
from kexie.demands.models import Candidate, Demand
from kexie.people import services as people
from tests.personas import make_external

FORM = {"enterprise_name": "甲县恒通电子有限公司", "enterprise_credit_code": "91410122MA00000001",
        "contact_name": "刘洋", "contact_phone": "13900000003", "title": "电源模块散热结构优化", "industry": "39",
        "field": "热管理", "problem": "电源模块满载温升过高。", "goal": "满载温升降低15℃。", "budget": "30",
        "milestone_title_1": "仿真方案", "milestone_due_1": "2027-02-28",
        "milestone_title_2": "样机测试", "milestone_due_2": "2027-05-31"}


def _page(response) -> str:
    return response.content.decode()


def test_an_enterprise_files_a_demand_and_sees_it_in_its_list(world, signed_in):
    account = make_external("boss@example.cn", full_name="刘洋")
    client = signed_in(account)
    form = _page(client.get(reverse("demands:my_new")))
    assert "甲县科学技术协会" in form and "甲市科学技术协会" in form and "甲省科学技术协会（" not in form
    bad = client.post(reverse("demands:my_new"), {**FORM, "organization": world.county_a.pk, "problem": ""})
    assert bad.status_code == 400 and not Demand.objects.exists()
    response = client.post(reverse("demands:my_new"), {**FORM, "organization": world.county_a.pk,
                                                       "confidential": "on"})
    demand = Demand.objects.get()
    assert response["Location"] == reverse("demands:my_detail", args=[demand.pk])
    assert (demand.organization, demand.submitted_by, demand.confidential) == (world.county_a, account, True)
    assert [m.title for m in demand.milestones.all()] == ["仿真方案", "样机测试"]
    assert "电源模块散热结构优化" in _page(client.get(reverse("demands:mine")))
    page = _page(client.get(reverse("demands:my_detail", args=[demand.pk])))
    assert "样机测试" in page and "已提交" in page
    # Confidential: the county association it was filed with takes it up (its staff who handle demands
    # are named on it); the province's clerk, not named on it, does not see it.
    assert list(demand.named_staff.all()) == [world.county_clerk]
    assert "电源模块散热结构优化" in _page(signed_in(world.county_clerk).get(reverse("demands:list")))
    assert "电源模块散热结构优化" not in _page(signed_in(world.provincial_clerk).get(reverse("demands:list")))


def test_another_account_never_sees_the_demand(world, signed_in):
    owner = make_external("boss@example.cn", full_name="刘洋")
    demand = services.demand_create(by=owner, organization=world.county_a, data={
        k: v for k, v in FORM.items() if not k.startswith("milestone")}, milestones=[])
    client = signed_in(make_external("other@example.cn", full_name="旁人"))
    assert client.get(reverse("demands:my_detail", args=[demand.pk])).status_code == 404
    assert demand.title not in _page(client.get(reverse("demands:mine")))


def test_the_enterprise_sees_only_the_released_shortlist(world, signed_in):
    owner = make_external("boss@example.cn", full_name="刘洋")
    demand = services.demand_create(by=owner, organization=world.county_a, data={
        k: v for k, v in FORM.items() if not k.startswith("milestone")}, milestones=[])
    services.demand_accept(by=world.provincial_clerk, demand=demand)
    for name, unit in (("王工", "甲省电子研究所"), ("陈工", "甲省热能研究院"), ("刘工", "甲县恒通电子有限公司")):
        person = people.person_create(by=world.provincial_clerk, organization=world.prov_a, data={
            "name": name, "industries": ["39"]}, positions=[{"unit_name": unit}])
        entry = people.entry_add(by=world.provincial_clerk, organization=world.prov_a, person=person,
                                 data={"keywords": ["电源模块", "散热"]})
    services.demand_match(by=world.provincial_clerk, demand=demand, library=entry.library)
    released = Candidate.objects.get(demand=demand, person__name="王工")
    services.candidates_release(by=world.provincial_clerk, demand=demand, candidate_ids=[released.pk])
    client = signed_in(owner)
    shortlist = _page(client.get(reverse("demands:my_detail", args=[demand.pk]))).split('id="shortlist"', 1)[1]
    assert "王工" in shortlist and released.reasons in shortlist
    assert "陈工" not in shortlist and "刘工" not in shortlist
