"""The open call from the pages: published from the demand's page, found on the board (searchable,
never a confidential or unpublished demand), a team applies (bad input refused next to its field,
nothing saved), the clerk checks the applications (a refusal needs its reason), starts the panel
review, chooses the team, and the milestones are reported and accepted until the demand is done."""

import datetime as dt

from django.urls import reverse
from django.utils import translation

from kexie.demands import services
from kexie.demands.models import Application, Demand
from kexie.people import services as people
from tests.personas import make_external

FIELDS = {"enterprise_name": "甲县绿源农业科技有限公司", "contact_name": "周敏", "contact_phone": "13900000002",
          "title": "秸秆低成本饲料化发酵工艺", "industry": "03", "field": "生物发酵",
          "problem": "玉米秸秆饲料化成本高，发酵周期长。", "goal": "发酵周期缩短到7天，成本每吨降低100元。", "budget": 120}
TEAM = {"team_name": "甲省农科院发酵团队", "lead_name": "钱立", "lead_unit": "甲省农业科学院",
        "members": "孙楠，助理研究员", "proposal": "以复合菌剂分段发酵，三个月完成中试。", "quoted_amount": "95"}


def _zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def _page(response) -> str:
    return response.content.decode()


def _accepted(world, *, title=FIELDS["title"], confidential=False, milestones=2):
    demand = services.demand_create(
        by=world.county_clerk, organization=world.county_a, data={**FIELDS, "title": title,
                                                                  "confidential": confidential},
        milestones=[{"title": f"阶段{n}", "due": dt.date(2027, n * 3, 1)} for n in range(1, milestones + 1)])
    services.demand_accept(by=world.provincial_clerk, demand=demand)
    return demand


def _published(world, **options):
    demand = _accepted(world, **options)
    return services.demand_publish(by=world.provincial_clerk, demand=demand,
                                   apply_until=dt.date.today() + dt.timedelta(days=30), reward="成功后支付合同金额") \
        or Demand.objects.get(pk=demand.pk)


def test_publishing_from_the_page_puts_the_call_on_the_board(world, signed_in):
    demand = _accepted(world)
    client = signed_in(world.provincial_clerk)
    bad = client.post(reverse("demands:publish", args=[demand.pk]), {"apply_until": ""})
    assert bad.status_code == 400 and "该字段是必填项。" in _page(bad).split('id="publish-form"', 1)[1]
    demand.refresh_from_db()
    assert demand.status == "accepted"
    until = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    client.post(reverse("demands:publish", args=[demand.pk]), {"apply_until": until, "reward": "奖励50万元"})
    demand.refresh_from_db()
    assert (demand.status, demand.route, demand.apply_until.isoformat()) == ("published", "open_call", until)
    board = _page(client.get(reverse("demands:board")))
    assert demand.title in board and "奖励50万元" in board and until in board


def test_the_board_never_shows_a_confidential_or_unpublished_demand_and_is_searchable(world, signed_in):
    call = _published(world)
    # Made confidential after publishing (the services refuse to publish one): still never shown.
    Demand.objects.filter(pk=_published(world, title="保密的发酵菌种改良").pk).update(confidential=True)
    _accepted(world, title="尚未发榜的需求")
    client = signed_in(make_external("team@example.cn", full_name="钱立"))
    board = _page(client.get(reverse("demands:board")))
    assert call.title in board and "保密的发酵菌种改良" not in board and "尚未发榜的需求" not in board
    assert call.title in _page(client.get(reverse("demands:board"), {"q": "发酵"}))
    assert call.title not in _page(client.get(reverse("demands:board"), {"q": "芯片"}))
    hidden = Demand.objects.get(title="尚未发榜的需求")
    assert client.get(reverse("demands:board_detail", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("demands:apply", args=[hidden.pk])).status_code == 404
    secret = Demand.objects.get(title="保密的发酵菌种改良")
    assert client.get(reverse("demands:board_detail", args=[secret.pk])).status_code == 404
    detail = _page(client.get(reverse("demands:board_detail", args=[call.pk])))
    assert "阶段1" in detail and FIELDS["contact_phone"] not in detail  # the enterprise's contact stays private


def test_a_team_applies_and_bad_input_saves_nothing(world, signed_in):
    call = _published(world)
    client = signed_in(make_external("team@example.cn", full_name="钱立"))
    bad = client.post(reverse("demands:apply", args=[call.pk]), {**TEAM, "proposal": ""})
    assert bad.status_code == 400 and not Application.objects.exists()
    assert "该字段是必填项。" in _page(bad).split('name="proposal"', 1)[1].split("</div>", 1)[0]
    response = client.post(reverse("demands:apply", args=[call.pk]), TEAM)
    assert response.status_code == 302 and response["Location"] == reverse("demands:board_detail", args=[call.pk])
    application = Application.objects.get()
    assert (application.team_name, application.status, application.applicant.username) == (
        "甲省农科院发酵团队", "submitted", "team@example.cn")
    assert "甲省农科院发酵团队" in _page(client.get(reverse("demands:board_detail", args=[call.pk])))


def test_the_clerk_checks_applications_chooses_the_team_and_accepts_the_milestones(world, signed_in):
    call = _published(world)
    team = make_external("team@example.cn", full_name="钱立")
    first = services.application_submit(by=team, demand=call, data=TEAM)
    second = services.application_submit(by=team, demand=call, data={**TEAM, "team_name": "另一团队"})
    client = signed_in(world.provincial_clerk)
    page = _page(client.get(reverse("demands:detail", args=[call.pk])))
    assert "甲省农科院发酵团队" in page.split('id="applications"', 1)[1] and 'id="review-form"' in page

    refused = client.post(reverse("demands:app_check", args=[second.pk]), {"eligible": "0", "reason": ""})
    assert refused.status_code == 400
    row = _page(refused).split(f'id="application-{second.pk}"', 1)[1].split("</tr>", 1)[0]
    assert _zh("Write why the application fails the formal check.") in row
    client.post(reverse("demands:app_check", args=[second.pk]), {"eligible": "0", "reason": "团队无相关业绩"})
    client.post(reverse("demands:app_check", args=[first.pk]), {"eligible": "1"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.status_reason) == ("eligible", "ineligible", "团队无相关业绩")

    assert client.post(reverse("demands:choose", args=[call.pk]), {"application": first.pk}).status_code == 400
    client.post(reverse("demands:choose", args=[call.pk]), {"application": first.pk, "amount": "90"})
    call.refresh_from_db()
    assert (call.status, str(call.contract_amount)) == ("contracted", "90.00")

    one, two = call.milestones.order_by("position")
    for milestone in (one, two):
        client.post(reverse("demands:milestone_report", args=[milestone.pk]), {"report": "完成中试，指标达到。"})
    back = client.post(reverse("demands:milestone_accept", args=[one.pk]), {"accept": "0", "note": ""})
    assert back.status_code == 400 and _zh("Write why the milestone is returned.") in _page(back)
    client.post(reverse("demands:milestone_accept", args=[one.pk]), {"accept": "1", "note": "通过验收"})
    client.post(reverse("demands:milestone_accept", args=[two.pk]), {"accept": "1"})
    call.refresh_from_db()
    assert call.status == "completed"


def test_starting_the_review_opens_the_panel_workspace(world, signed_in):
    person = people.person_create(by=world.provincial_clerk, organization=world.prov_a,
                                  data={"name": "孙工", "title": "研究员"}, positions=[{"unit_name": "甲省微生物所"}])
    library = people.entry_add(by=world.provincial_clerk, organization=world.prov_a, person=person,
                               data={"keywords": ["发酵"]}).library
    call = _published(world)
    application = services.application_submit(by=world.provincial_clerk, demand=call, data=TEAM)
    services.application_check(by=world.provincial_clerk, application=application, eligible=True)
    client = signed_in(world.provincial_clerk)
    response = client.post(reverse("demands:review", args=[call.pk]), {"library": library.pk})
    call.refresh_from_db()
    assert call.review_round_id and response["Location"] == reverse("panels:detail", args=[call.review_round_id])
    assert 'id="review-form"' not in _page(client.get(reverse("demands:detail", args=[call.pk])))
