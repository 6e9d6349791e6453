"""An award call from end to end, in the browser, as the people who run it do it.

A provincial association opens a call with channel quotas; two societies nominate (one over its
quota is refused with a clear message); the formal check rejects an ineligible nominee with its
reason; the panel is put together and assigned optimally with a conflicted expert kept off the
nominee of his own unit, the reason shown; the experts score (one on their own account, the
others' paper sheets entered by the clerk); the ranking goes on public notice; an objection is
recorded and handled; the winners are decided; and the audit log shows each step.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from kexie.audit.models import AuditLog
from kexie.awards.models import AwardCall, CallStatus, Nomination, NominationStatus
from kexie.organizations.services import organization_create
from kexie.panels.models import Assignment, ItemScore
from kexie.people import services as people
from tests.personas import PASSWORD, make_external, make_user, sign_in

pytestmark = pytest.mark.browser


def _zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)

# The experts of the province's library: (name, unit, discipline, keywords). 周立 works at the
# university of one nominee, so he must not review that nomination.
EXPERTS = [("吴敏", "甲省计算技术研究所", "520", ["人工智能", "机器学习"]),
           ("周立", "甲省大学", "520", ["计算机视觉", "图像识别"]),
           ("郑涛", "甲省农业科学院", "210", ["作物育种", "智慧农业"]),
           ("冯悦", "甲省通信研究院", "510", ["无线通信", "物联网"])]


def _sign_in(page, base_url, username):
    page.context.clear_cookies()
    page.goto(base_url + reverse("accounts:login"))
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: reverse("accounts:login") not in url)


def _world(world):
    org = world.prov_a
    societies = [organization_create(by=None, parent=org, name=name, kind="provincial_society")
                 for name in ("甲省电子学会", "甲省农学会")]
    secretaries = [make_user(f"secretary_{n}", society, ["society_secretary"], full_name=f"学会秘书{n}")
                   for n, society in enumerate(societies, 1)]
    experts = {}
    for name, unit, discipline, keywords in EXPERTS:
        person = people.person_create(by=world.provincial_clerk, organization=org,
                                      data={"name": name, "disciplines": [discipline], "title": "研究员"},
                                      positions=[{"unit_name": unit, "role": "研究员"}])
        people.entry_add(by=world.provincial_clerk, organization=org, person=person,
                         data={"keywords": keywords})
        experts[name] = person
    account = make_external("wu.min@example.cn", full_name="吴敏")
    people.person_link_account(by=world.provincial_clerk, person=experts["吴敏"], address="wu.min@example.cn")
    return societies, secretaries, experts, account


def _nominate(page, *, name, birth, unit, discipline, summary):
    page.locator("#nominate-form input[name=name]").fill(name)
    page.locator("#nominate-form input[name=birth_date]").fill(birth)
    page.locator("#nominate-form input[name=unit]").fill(unit)
    page.locator("#nominate-form input[name=disciplines]").fill(discipline)
    page.locator("#nominate-form textarea[name=summary]").fill(summary)
    page.locator("#nominate-form input[name=material_title_1]").fill("推荐表")
    page.locator("#nominate-form textarea[name=material_text_1]").fill(summary)
    page.locator("#nominate-form button[type=submit]").click()


def test_a_province_runs_an_award_call_from_opening_to_winners(page, live_server, browser_world):
    world, base_url = browser_world, live_server.url
    (electronics, agronomy), (secretary_1, secretary_2), experts, _account = _world(world)
    year = timezone.localdate().year

    # 1. The provincial clerk opens a call, from the home page's menu.
    _sign_in(page, base_url, world.provincial_clerk.username)
    page.get_by_role("link", name="人才举荐与奖项").first.click()
    page.locator("#call-create").click()
    form = page.locator("#call-form")
    form.locator("select[name=kind]").select_option("youth")
    form.locator("input[name=title]").fill(f"甲省青年科技奖（{year}年）")
    form.locator("input[name=year]").fill(str(year))
    form.locator("input[name=max_age]").fill("40")
    form.locator("input[name=age_on]").fill(f"{year}-12-31")
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(f"甲省青年科技奖（{year}年）")
    call = AwardCall.objects.get(title=f"甲省青年科技奖（{year}年）")

    for society, quota in ((electronics, 1), (agronomy, 2)):
        channel_form = page.locator("#channel-form")
        organization = channel_form.locator("[name=organization]")
        if organization.evaluate("e => e.tagName") == "SELECT":
            organization.select_option(str(society.pk))
        else:
            organization.fill(str(society.pk))
        channel_form.locator("input[name=quota]").fill(str(quota))
        channel_form.locator("button[type=submit]").click()
        expect(page.locator("#channels")).to_contain_text(society.name)
    page.locator("#call-open").click()
    expect(page.locator("#call-status")).to_have_text(_zh(CallStatus.OPEN.label))

    # 2. Two societies nominate; the first tries a second nominee over its quota of one.
    _sign_in(page, base_url, secretary_1.username)
    page.get_by_role("link", name="人才举荐与奖项").first.click()
    page.get_by_role("link", name=call.title).click()
    page.locator("#nominate-link").click()
    _nominate(page, name="王晓", birth="1990-05-01", unit="甲省大学", discipline="520",
              summary="长期从事计算机视觉与图像识别研究，成果应用于工业质检。")
    expect(page.locator("#nominations")).to_contain_text("王晓")
    page.locator("#nominate-link").click()
    _nominate(page, name="李强", birth="1991-03-02", unit="甲省电子研究所", discipline="510",
              summary="从事无线通信研究。")
    expect(page.locator(".msg-error, #refused").first).to_contain_text("名额")
    assert not Nomination.objects.filter(nominee__name="李强").exists()

    _sign_in(page, base_url, secretary_2.username)
    page.get_by_role("link", name="人才举荐与奖项").first.click()
    page.get_by_role("link", name=call.title).click()
    page.locator("#nominate-link").click()
    _nominate(page, name="陈静", birth="1988-08-08", unit="甲省农业科学院", discipline="210",
              summary="从事作物育种与智慧农业研究，培育新品种三个。")
    expect(page.locator("#nominations")).to_contain_text("陈静")
    expect(page.locator("#nominations")).not_to_contain_text("王晓")  # a society sees its own only
    page.locator("#nominate-link").click()
    _nominate(page, name="赵山", birth="1970-01-01", unit="甲省农业科学院", discipline="210",
              summary="从事土壤改良研究。")
    expect(page.locator("#nominations")).to_contain_text("赵山")

    # 3. The formal check: the rules reject 赵山 (over 40 on the day) and say why.
    _sign_in(page, base_url, world.provincial_clerk.username)
    page.goto(base_url + reverse("awards:detail", args=[call.pk]))
    page.locator("#formal-close").click()
    for name in ("王晓", "陈静", "赵山"):
        row = page.locator("#nominations tr", has_text=name)
        row.locator("button[name=pass]").click()
        expect(page.locator("#nominations tr", has_text=name)).not_to_contain_text("待审查")
    rejected = page.locator("#nominations tr", has_text="赵山")
    expect(rejected).to_contain_text("40")
    assert Nomination.objects.get(nominee__name="赵山").status == NominationStatus.REJECTED
    assert Nomination.objects.get(nominee__name="王晓").status == NominationStatus.ACCEPTED

    # 4. The review: each nomination gets two reviewers, each reviewer at most one.
    page.locator("#review-start").click()
    page.locator("input[name=reviewers_per_item]").fill("2")
    page.locator("input[name=load_cap]").fill("1")
    page.locator("textarea[name=criteria]").fill("学术水平 60\n发展潜力 40")
    page.locator("form button[type=submit]").last.click()
    page.locator("#panel-link").click()
    for name, *_rest in EXPERTS:
        page.locator("#seat-form select[name$=entry]").select_option(label=f"{name}（{experts[name].pk}）")
        page.locator("#seat-form button[type=submit]").click()
        expect(page.locator("#panel")).to_contain_text(name)
    page.locator("#invite-form button[type=submit]").click()
    page.locator("#conflicts-form button[type=submit]").click()
    conflict = page.locator("#conflicts tr", has_text="周立")
    expect(conflict).to_contain_text("王晓")
    expect(conflict).to_contain_text("同一单位")
    page.locator("#assign-form button[type=submit]").click()
    expect(page.locator("#assignments")).to_contain_text("周立")
    expect(page.locator("#assignments tr", has_text="王晓")).not_to_contain_text("周立")
    round_ = AwardCall.objects.get(pk=call.pk).review_round
    assert not Assignment.objects.filter(item__round=round_, item__title__contains="王晓",
                                         seat__entry__person=experts["周立"]).exists()
    assert Assignment.objects.filter(item__round=round_).count() == 4

    # 5. 吴敏 scores on her own account: she accepts the invitation and fills her sheet.
    _sign_in(page, base_url, "wu.min@example.cn")
    page.get_by_role("link", name="我的评审").first.click()
    page.locator("#invitations button[value=accept]").first.click()
    page.locator("#my-items a").first.click()
    page.locator("#score-form input[name=c1]").fill("55")
    page.locator("#score-form input[name=c2]").fill("75")  # over the maximum of 40
    page.locator("#score-form button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("40")
    assert not ItemScore.objects.filter(entry__person=experts["吴敏"]).exists()
    page.locator("#score-form input[name=c2]").fill("35")
    page.locator("#score-form button[type=submit]").click()
    expect(page.locator("#my-items")).to_contain_text("已提交")
    assert ItemScore.objects.get(entry__person=experts["吴敏"]).total == 90

    # The clerk enters the other three paper sheets and closes the scoring.
    _sign_in(page, base_url, world.provincial_clerk.username)
    page.goto(base_url + reverse("panels:detail", args=[round_.pk]))
    sheets = {"周立": ("50", "30"), "郑涛": ("58", "38"), "冯悦": ("45", "30")}
    for assignment in Assignment.objects.filter(item__round=round_).exclude(seat__entry__person=experts["吴敏"]) \
            .select_related("seat__entry__person", "item"):
        first, second = sheets[assignment.seat.entry.person.name]
        score_form = page.locator("#score-form")
        score_form.locator("select[name$=sheet]").select_option(
            label=f"{assignment.item.title} — {assignment.seat.entry.person.name}")
        score_form.locator("input[name$=c_c1]").fill(first)
        score_form.locator("input[name$=c_c2]").fill(second)
        score_form.locator("button[type=submit]").click()
    page.locator("#close-form button[type=submit]").click()
    expect(page.locator("#ranking tbody tr")).to_have_count(2)

    # 6. The ranking on public notice, from the call's page.
    page.goto(base_url + reverse("awards:detail", args=[call.pk]))
    today = timezone.localdate()
    page.locator("#notice-form input[name=start]").fill(today.isoformat())
    page.locator("#notice-form input[name=end]").fill((today + dt.timedelta(days=7)).isoformat())
    page.locator("#notice-form button[type=submit]").click()
    expect(page.locator("#call-status")).to_have_text(_zh(CallStatus.NOTICE.label))

    # 7. An objection against 陈静 is recorded and handled on the panel page.
    page.goto(base_url + reverse("panels:detail", args=[round_.pk]))
    objection_form = page.locator("#objection-form")
    objection_form.locator("select[name$=item]").select_option(label=next(
        i.title for i in round_.items.all() if "陈静" in i.title))
    objection_form.locator("textarea[name$=text]").fill("反映其代表性成果署名有争议。")
    objection_form.locator("button[type=submit]").click()
    expect(page.locator("#objections")).to_contain_text("署名有争议")
    handle = page.locator(".handle-form").first
    handle.locator("textarea[name$=decision]").fill("经核实，成果署名无误，异议不成立。")
    handle.locator("input[name$=upheld][value=no]").check()
    handle.locator("button[type=submit]").click()
    expect(page.locator("#objections")).to_contain_text("异议不成立")

    # 8. The winners, preselected from the top of the ranking.
    page.goto(base_url + reverse("awards:detail", args=[call.pk]))
    page.locator("#winners-form button[type=submit]").click()
    expect(page.locator("#winners")).to_contain_text("王晓")
    expect(page.locator("#call-status")).to_have_text(_zh(CallStatus.DECIDED.label))

    # 9. The audit log shows each step, as the audit administrator reads it.
    client = Client()
    sign_in(client, world.audit_admin)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base_url}])
    steps = [(world.provincial_clerk, "create", call.title), (world.provincial_clerk, "status", call.title),
             (secretary_1, "submit", "王晓"), (world.provincial_clerk, "reject", "赵山"), (world.provincial_clerk, "assign", round_.title),
             ("wu.min@example.cn", "score", "王晓"), (world.provincial_clerk, "publish", round_.title),
             (world.provincial_clerk, "objection", "陈静"), (world.provincial_clerk, "objection_handle", "陈静"),
             (world.provincial_clerk, "decide", round_.title)]
    for user, action, about in steps:
        username = getattr(user, "username", user)
        page.goto(base_url + reverse("audit:list") + f"?user={username}&action={action}")
        rows = page.locator("#audit-list tbody tr", has_text=about)
        expect(rows.first).to_contain_text(_zh(AuditLog.Action(action).label))
