"""Talent awards in the demo: a finished national call of last year and a provincial call under
review this year, run through the award and panel services on the demo's expert libraries.

* 中国科协 ran last year's 青年科技奖 (:func:`finished_title`): 河南省科协 and 中国电子学会 nominated
  two each; one nominee was over the age limit and was rejected at the formal check with the
  rule's reason; a panel of six from the national library, one of them a nominee's recommender
  (kept off that nominee, the reason in the conflicts), scored every nomination; the ranking was
  on notice, one objection was received and not upheld, and the top two are the winners.
* 河南省科协 runs this year's 青年科技奖 (:func:`in_review_title`): 郑州市科协 and 洛阳市科协
  nominated, the formal check is done, a panel of five from the Henan library is assigned and
  some scores are in, the rest pending.

Nominees and recommenders are written for the project; no real person is meant. The calls are
created without dates so that the services take nominations whatever the load day, then dated
from the demo calendar. Idempotent: a call is built only when no demo call of its kind exists
(of whatever year).
"""

import datetime as dt
import math

from kexie.awards import services as awards
from kexie.awards.models import AwardCall, CallKind
from kexie.panels import services as panels
from kexie.panels.models import Assignment, ItemScore
from kexie.panels.selectors import ranking
from kexie.people import services as people_services
from kexie.people.models import EntryStatus, ExpertEntry, ExpertLibrary

_CAST = ("中国科学技术协会",)
_HENAN = _CAST + ("河南省科学技术协会",)
_SOCIETY = _CAST + ("中国电子学会",)
_ZHENGZHOU = _HENAN + ("郑州市科学技术协会",)
_LUOYANG = _HENAN + ("洛阳市科学技术协会",)
# An expert of this year's panel with an external account, to sign in and score on 「我的评审」.
EXPERT_ADDRESS = "expert@kexie.example.cn"

FORM = [{"code": "merit", "name": "学术水平", "max": 40}, {"code": "contribution", "name": "创新贡献", "max": 40},
        {"code": "promise", "name": "发展潜力", "max": 20}]
MATERIALS = [{"title": "推荐书", "text": "推荐意见及主要成就。"}, {"title": "代表性论文", "text": "代表性论著五篇。"}]

# channel path, nominator's username, nominees: (name, birth date, discipline, title, unit, summary)
FINISHED_NOMINEES = [
    (_HENAN, "provincial_clerk", [
        ("岳明川", "1988-03-14", "210", "研究员", "河南省农业科学院", "小麦抗逆育种，培育新品种三个"),
        ("祁海澜", "1979-08-02", "460", "正高级工程师", "洛阳装备研究所", "大型矿山装备智能控制"),
    ]),
    (_SOCIETY, "society_secretary", [
        ("闻予安", "1989-11-20", "510", "教授", "华中理工学院", "低功耗物联网芯片设计"),
        ("程书遥", "1990-06-09", "52020", "副研究员", "北辰信息技术研究所", "面向工业检测的视觉大模型"),
    ]),
]
IN_REVIEW_NOMINEES = [
    (_ZHENGZHOU, "provincial_clerk", [
        ("邢若溪", "1991-04-18", "430", "副教授", "郑州理工大学", "高熵合金材料制备"),
        ("霍景行", "1992-09-30", "520", "高级工程师", "中原工学研究院", "政务数据知识图谱"),
    ]),
    (_LUOYANG, "provincial_clerk", [
        ("宁知秋", "1990-01-25", "460", "研究员", "洛阳装备研究所", "轴承精密加工与检测"),
    ]),
]


def finished_title(year: int) -> str:
    return f"{year}年度中国科协青年科技奖"


def in_review_title(year: int) -> str:
    return f"{year}年度河南省青年科技奖"


def _experts(library: ExpertLibrary, count: int, *, first=None) -> list[ExpertEntry]:
    """``count`` active experts of the library, ``first`` (an entry) among them when given."""
    rows = list(ExpertEntry.objects.filter(library=library, status=EntryStatus.ACTIVE)
                .exclude(pk=getattr(first, "pk", None)).order_by("pk")[:count - (1 if first else 0)])
    return ([first] if first else []) + rows


def _nominate(call, nominees, *, organization_at, user_named, recommender=None) -> list:
    made = []
    for path, username, people in nominees:
        by, organization = user_named(username), organization_at(path)
        for name, born, discipline, title, unit, summary in people:
            backers = [recommender] if recommender is not None and not made else []
            made.append(awards.nominate(
                by=by, call=call, organization=organization, summary=summary, materials=MATERIALS,
                recommenders=backers, nominee={"name": name, "birth_date": born, "disciplines": [discipline],
                                               "title": title, "positions": [{"unit_name": unit}]}))
    return made


def _panel(by, round, entries, *, today) -> None:
    for entry in entries:
        seat = panels.seat_add(by=by, round=round, entry=entry)
        panels.seat_respond(by=by, seat=seat, accept=True)
    panels.assignment_run(by=by, round=round, today=today)


# Points per item (merit, contribution, promise) in the order the items were added, so that the
# ranking is the same on every load and has no tie; each expert adds a point or two of their own.
POINTS = [(34, 33, 16), (31, 30, 15), (28, 27, 14), (25, 26, 13)]


def _score(by, round, *, share: float = 1.0) -> None:
    """Every assignment scored (or the first ``share`` of them)."""
    items = {pk: n for n, pk in enumerate(round.items.order_by("pk").values_list("pk", flat=True))}
    seats = {pk: n for n, pk in enumerate(round.seats.order_by("pk").values_list("pk", flat=True))}
    rows = list(Assignment.objects.filter(item__round=round).select_related("item", "seat__entry")
                .order_by("item_id", "seat_id"))
    for n, a in enumerate(rows[:math.ceil(len(rows) * share)]):
        merit, contribution, promise = POINTS[items[a.item_id] % len(POINTS)]
        j = seats[a.seat_id]
        panels.score_submit(by=by, item=a.item, entry=a.seat.entry, comment="材料翔实，成果突出。" if n % 3 == 0 else "",
                            values={"merit": merit + j % 3 - 1, "contribution": contribution + j % 2,
                                    "promise": promise})


def _expert_account(clerk, round) -> None:
    """An external account for an expert of ``round`` with items still to score, linked to the
    expert's person record (the demo password, so that the expert can sign in at once)."""
    from kexie.accounts.models import User
    from kexie.accounts.public import _create_external

    from .data import DEMO_PASSWORD

    scored = set(ItemScore.objects.filter(item__round=round).values_list("item_id", "entry_id"))
    waiting = next((a for a in Assignment.objects.filter(item__round=round).select_related("seat__entry__person")
                    .order_by("pk") if (a.item_id, a.seat.entry_id) not in scored), None)
    if waiting is None or waiting.seat.entry.person.account_id:
        return
    person = waiting.seat.entry.person
    if not User.objects.filter(username=EXPERT_ADDRESS).exists():
        _create_external(address=EXPERT_ADDRESS, full_name=person.name, password=DEMO_PASSWORD, how="demo")
    people_services.person_link_account(by=clerk, person=person, address=EXPERT_ADDRESS)


def _dated(call: AwardCall, opens_on: dt.date, closes_on: dt.date) -> None:
    AwardCall.objects.filter(pk=call.pk).update(opens_on=opens_on, closes_on=closes_on)


def ensure_demo_awards(*, organization_at, user_named, calendar) -> bool:
    """Build the two demo calls that are missing; True when something was built."""
    built = False
    cast, henan = organization_at(_CAST), organization_at(_HENAN)
    boss, clerk = user_named("national_clerk"), user_named("provincial_clerk")
    today, year = calendar.today, calendar.today.year
    if not AwardCall.objects.filter(organization=cast, kind=CallKind.YOUTH,
                                    title__endswith="年度中国科协青年科技奖").exists():
        _finished(cast, boss, year - 1, organization_at=organization_at, user_named=user_named, today=today)
        built = True
    if not AwardCall.objects.filter(organization=henan, kind=CallKind.YOUTH,
                                    title__endswith="年度河南省青年科技奖").exists():
        _in_review(henan, clerk, year, organization_at=organization_at, user_named=user_named, calendar=calendar)
        built = True
    return built


def _finished(cast, boss, year: int, *, organization_at, user_named, today) -> None:
    library = ExpertLibrary.objects.get(organization=cast)
    # A provincial expert who serves in the national library recommends the first Henan nominee
    # and sits on the panel: the conflict engine keeps them off that nomination.
    recommender_entry = (ExpertEntry.objects.filter(library=library, status=EntryStatus.ACTIVE,
                                                    person__organization=organization_at(_HENAN))
                         .select_related("person").order_by("pk").first())
    call = awards.call_create(by=boss, organization=cast, data={
        "title": finished_title(year), "kind": CallKind.YOUTH, "year": year,
        "rules": [{"rule": "max_age", "age": 40, "on": f"{year}-12-31"},
                  {"rule": "materials", "titles": ["推荐书"]}]})
    awards.channel_set(by=boss, call=call, organization=organization_at(_HENAN), quota=2, kind="省级科协")
    awards.channel_set(by=boss, call=call, organization=organization_at(_SOCIETY), quota=2, kind="全国学会")
    awards.call_open(by=boss, call=call)
    nominations = _nominate(call, FINISHED_NOMINEES, organization_at=organization_at, user_named=user_named,
                            recommender=recommender_entry.person if recommender_entry else None)
    awards.formal_close(by=boss, call=call)
    for nomination in nominations:  # 祁海澜 is over the age limit: rejected with the rule's reason
        awards.formal_check(by=boss, nomination=nomination)
    round = awards.review_start(by=boss, call=call, data={"form": FORM, "reviewers_per_item": 3, "load_cap": 10})
    _panel(boss, round, _experts(library, 6, first=recommender_entry), today=today)
    _score(boss, round)
    panels.scoring_close(by=boss, round=round)
    awards.notice_start(by=boss, call=call, start=dt.date(year, 11, 20), end=dt.date(year, 11, 26))
    top = round.items.get(pk=ranking(round)[0].item)
    objection = panels.objection_raise(by=boss, item=top, name="匿名来信", text="反映其代表性论文第一作者署名存疑。")
    panels.objection_handle(by=boss, objection=objection, upheld=False,
                            decision="经核查期刊记录和合作者说明，署名无误，异议不成立。")
    awards.winners_decide(by=boss, call=call, top=2)
    _dated(call, dt.date(year, 3, 1), dt.date(year, 5, 31))


def _in_review(henan, clerk, year: int, *, organization_at, user_named, calendar) -> None:
    library = ExpertLibrary.objects.get(organization=henan)
    call = awards.call_create(by=clerk, organization=henan, data={
        "title": in_review_title(year), "kind": CallKind.YOUTH, "year": year,
        "rules": [{"rule": "max_age", "age": 40, "on": f"{year}-12-31"}]})
    awards.channel_set(by=clerk, call=call, organization=organization_at(_ZHENGZHOU), quota=2, kind="市级科协")
    awards.channel_set(by=clerk, call=call, organization=organization_at(_LUOYANG), quota=2, kind="市级科协")
    awards.call_open(by=clerk, call=call)
    nominations = _nominate(call, IN_REVIEW_NOMINEES, organization_at=organization_at, user_named=user_named)
    awards.formal_close(by=clerk, call=call)
    for nomination in nominations:
        awards.formal_check(by=clerk, nomination=nomination)
    round = awards.review_start(by=clerk, call=call, data={"form": FORM, "reviewers_per_item": 3, "load_cap": 10})
    _panel(clerk, round, _experts(library, 5), today=calendar.today)
    _score(clerk, round, share=0.5)
    _expert_account(clerk, round)
    opens = calendar.day(dt.date(year, 3, 1))
    _dated(call, opens, max(opens, calendar.day(dt.date(year, 5, 31))))
