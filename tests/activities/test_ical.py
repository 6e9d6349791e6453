"""The activities calendar: valid RFC 5545 read back by a small parser (lines of at most 75
octets, folding undone, escaped text restored, all-day events with an exclusive end), the feed
scoped to the clerk's activities (planned and held, ``?campaign=``) and one activity's .ics."""

import datetime as dt

from django.urls import reverse

from kexie.activities import ical
from tests.activities.helpers import activity, campaign

LONG_TITLE = "2026年全国科普日甲省主场活动：人工智能与未来生活，科学家进校园；公众开放日\n第二场"


def parse(text: str) -> list[dict]:
    """The VEVENTs of an iCalendar text as dicts of name -> (parameters, value), checking the
    line rules on the way."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
        assert "\n" not in line and "\r" not in line
    logical = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in logical and any(line.startswith("PRODID:") for line in logical)
    events, current = [], None
    for line in logical:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            head, value = _split(line)
            name, *params = head.split(";")
            current[name] = (";".join(params), _unescape(value))
    return events


def _split(line: str) -> tuple[str, str]:
    # The name and parameters end at the first colon (no quoted parameter values here).
    head, _colon, value = line.partition(":")
    return head, value


def _unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
            continue
        assert char not in ",;", value  # unescaped separators would break a TEXT value
        out.append(char)
        i += 1
    return "".join(out)


def test_the_calendar_is_rfc_5545_and_reads_back(world):
    a = activity(world, title=LONG_TITLE, place="甲省科技馆, 一层；报告厅", starts_on=dt.date(2026, 9, 20),
                 ends_on=dt.date(2026, 9, 22), held=False)
    text = ical.calendar([a], name="科协活动", now=dt.datetime(2026, 9, 1, 8, 30, tzinfo=dt.UTC))
    (event,) = parse(text)
    assert event["UID"] == ("", f"activity-{a.pk}@activities.kexie")
    assert event["DTSTAMP"] == ("", "20260901T083000Z")
    assert event["DTSTART"] == ("VALUE=DATE", "20260920")
    assert event["DTEND"] == ("VALUE=DATE", "20260923")  # exclusive: the day after the last day
    assert event["SUMMARY"][1] == LONG_TITLE
    assert event["LOCATION"][1] == "甲省科技馆, 一层；报告厅"
    assert "\r\n " in text  # the long summary was folded


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "科" * 100 + "a" * 80
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert ical.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_the_feed_holds_the_clerks_planned_and_held_activities(world, signed_in):
    day = campaign(world)
    planned = activity(world, title="计划中的科普讲座", held=False)
    held = activity(world, title="已举办的科普日活动", campaign=day)
    cancelled = activity(world, title="取消的活动", held=False)
    from kexie.activities import services
    services.activity_cancel(by=world.national_clerk, activity=cancelled, reason="天气原因")
    activity(world, org=world.prov_b, title="乙省的活动")
    client = signed_in(world.provincial_clerk)
    response = client.get(reverse("activities:ical"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    summaries = {e["SUMMARY"][1] for e in parse(response.content.decode("utf-8"))}
    assert summaries == {planned.title, held.title}
    narrowed = client.get(reverse("activities:ical"), {"campaign": day.pk}).content.decode("utf-8")
    assert {e["SUMMARY"][1] for e in parse(narrowed)} == {held.title}
    assert client.get(reverse("activities:ical"), {"campaign": "x"}).status_code == 404
    one = client.get(reverse("activities:activity_ics", args=[planned.pk]))
    assert one.status_code == 200 and 'filename="activity-' in one["Content-Disposition"]
    (event,) = parse(one.content.decode("utf-8"))
    assert event["UID"][1] == f"activity-{planned.pk}@activities.kexie"


def test_the_list_and_the_activity_page_link_to_the_calendar_and_the_call(world, signed_in):
    conf = activity(world, kind="conference", title="甲省学术年会", held=False)
    client = signed_in(world.provincial_clerk)
    assert reverse("activities:ical") in client.get(reverse("activities:list")).text
    page = client.get(reverse("activities:detail", args=[conf.pk])).text
    assert reverse("activities:activity_ics", args=[conf.pk]) in page
    assert reverse("activities:abstract_call", args=[conf.pk]) in page
