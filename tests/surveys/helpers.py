"""Survey stations, rounds and codes built through the services for the tests."""

import datetime as dt

from kexie.surveys import services

OPENS, CLOSES = dt.date(2026, 1, 1), dt.date(2099, 12, 31)

DEFN = {"questions": [
    {"key": "unit", "kind": "single", "text": "您的工作单位类型", "required": True,
     "options": [{"value": "uni", "label": "高等院校"}, {"value": "ent", "label": "企业"},
                 {"value": "hos", "label": "医疗卫生机构"}]},
    {"key": "rd", "kind": "single", "text": "您目前是否从事研发工作", "required": True,
     "options": [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}],
     "show_if": {"question": "unit", "in": ["ent"]}},
    {"key": "pressure", "kind": "scale", "text": "工作压力（1为很小，5为很大）", "min": 1, "max": 5, "required": True},
    {"key": "needs", "kind": "multiple", "text": "希望科协提供的服务",
     "options": [{"value": "train", "label": "继续教育培训"}, {"value": "talk", "label": "学术交流"}]},
    {"key": "advice", "kind": "text", "text": "其他意见和建议"},
]}


def station(world, *, org=None, by=None, name="甲大学调查站点", kind="university", investigators=(), **data):
    return services.station_create(by=by or world.national_clerk, organization=org or world.prov_a, data={
        "name": name, "kind": kind, "host_unit": data.pop("host_unit", "甲大学"), "investigators": list(investigators),
        **data})


def survey_round(world, *, org=None, by=None, title="2026年科技工作者状况调查", definition=None, open_it=True,
                 stations=()):
    """A round launched by ``org`` (default 中国科协) with ``stations`` as ``[(station, quota)]``,
    opened unless ``open_it`` is False."""
    by = by or world.national_clerk
    made = services.round_create(by=by, organization=org or world.cast, data={
        "title": title, "year": 2026, "definition": definition or DEFN, "opens_on": OPENS, "closes_on": CLOSES})
    for one, quota in stations:
        services.round_set_station(by=by, survey_round=made, station=one, quota=quota)
    if open_it and stations:
        made = services.round_set_status(by=by, survey_round=made, status="open")
    return made


def codes(world, survey_round, station, n=3, by=None):
    participation = survey_round.participations.get(station=station)
    return [row.code for row in services.codes_generate(by=by or world.national_clerk, participation=participation,
                                                        count=n)]


def answer(code, **answers):
    return services.response_submit(code=code, answers=answers or {"unit": "uni", "pressure": 3})
