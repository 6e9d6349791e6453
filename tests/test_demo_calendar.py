"""The demo's calendar: the story's months counted back from the load day, across the year's end."""

import datetime as dt

import pytest

from kexie.core.demo.calendar import DemoCalendar, cycle_due, month_start


def closed(day: str) -> str:
    """The latest closed cycle of the story loaded on ``day``, as YYYY-MM."""
    return month_start(DemoCalendar(dt.date.fromisoformat(day)).last_closed).strftime("%Y-%m")


@pytest.mark.parametrize(("day", "latest"), [
    ("2026-07-10", "2026-06"),  # June's reports were due on 5 July
    ("2026-07-05", "2026-05"),  # June's are due today: May is the latest closed
    ("2026-07-06", "2026-06"),
    ("2026-12-07", "2026-11"),
    ("2026-12-31", "2026-11"),
    ("2027-01-03", "2026-11"),  # December is still being filed
    ("2027-01-15", "2026-12"),
    ("2027-03-20", "2026-12"),  # this year has fewer than three closed cycles: last year's plan
    ("2027-04-05", "2026-12"),
    ("2027-04-06", "2027-03"),  # January to March are closed: this year's plan
])
def test_the_latest_closed_cycle_is_the_last_one_due_before_the_load_day_in_a_year_with_three(day, latest):
    assert closed(day) == latest


def test_on_any_day_the_story_has_three_closed_cycles_of_one_plan_year_and_the_next_is_still_open():
    for offset in range(800):
        calendar = DemoCalendar(dt.date(2026, 1, 1) + dt.timedelta(days=offset))
        months = calendar.story_months
        assert {month_start(index).year for index in months} == {calendar.plan_year}
        assert cycle_due(months[-1]) < calendar.today
        # The next cycle is still being filed, unless the plan's year is over.
        assert cycle_due(months[-1] + 1) >= calendar.today or month_start(months[-1]).month == 12


def test_the_plans_are_dated_on_or_before_the_load_day():
    for day in (dt.date(2027, 1, 2), dt.date(2026, 7, 10), dt.date(2026, 12, 31)):
        fields = DemoCalendar(day).plan_fields()
        for key in ("national_issued", "henan_issued", "city_issued"):
            issued = dt.date(*map(int, fields[key].replace("年", "-").replace("月", "-").rstrip("日").split("-")))
            assert issued <= day, (key, day)


def test_the_demo_command_names_a_day_it_cannot_read():
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="10.7.2026"):
        call_command("demo", date="10.7.2026")
