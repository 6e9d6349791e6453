"""The demo's calendar: every date of the demo story, counted from the day the demo is loaded.

The story is the same whatever the day: the national annual plan has three closed monthly
reporting cycles with reports in them, the latest of which closed and whose filing due date has
passed, and the pages and the dashboards are computed for that day. The months of the story are
counted back from the latest cycle whose filing has closed by the load day (``last_closed``):
the two cycles before it and it carry the reports, the days after its due date the reviews,
the supervision notice and its reply.

An annual plan runs from 1 January to 31 December, so in January and February (and March, up to
the day the March reports fall due) its year has fewer than three closed cycles. Then the story
is that of last year's plan, whose December cycle is the latest closed: the new year's key tasks
have not been issued yet, last year's tasks are finished or deferred into the new year, and
only one is left overdue. The city work opinion and the society reports are always those of
the load day's year (and of the year before it).

Plain date arithmetic, no Django import: the loaders ask it for dates.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from kexie.core.officialdoc import chinese_date, chinese_number

# The demo plans' reports fall due five days after a cycle closes (the scheduler's default).
FILING_DAYS = 5
# The first five-year plan period the demo's provincial plan can belong to (十五五: 2026–2030).
FIVE_YEAR_BASE = 2026


def month_index(day: dt.date) -> int:
    """A month as one number (year * 12 + month - 1), so that months can be counted."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(index: int) -> dt.date:
    return month_start(index + 1) - dt.timedelta(days=1)


def cycle_due(index: int) -> dt.date:
    """The filing due date of the monthly cycle of month ``index``."""
    return month_end(index) + dt.timedelta(days=FILING_DAYS)


def five_year_name(start: int) -> str:
    """“十五五” for 2026–2030: the fourteenth five-year plan began in 2021."""
    return f"{chinese_number(14 + (start - 2021) // 5)}五"


@dataclass(frozen=True)
class DemoCalendar:
    """The dates of the demo story loaded on ``today``."""

    today: dt.date

    @cached_property
    def last_closed(self) -> int:
        """The month of the latest reporting cycle of the national plan whose filing has closed."""
        index = month_index(self.today) - 1
        if self.today <= cycle_due(index):
            index -= 1  # last month's reports are not due yet: the month before is the latest closed
        if index % 12 < 2:
            index = index // 12 * 12 - 1  # January or February: last year's December
        return index

    @property
    def plan_year(self) -> int:
        """The year of the national key-tasks plan the story tracks."""
        return self.last_closed // 12

    @property
    def story_months(self) -> tuple[int, int, int]:
        """The three closed cycles with reports, oldest first."""
        return self.last_closed - 2, self.last_closed - 1, self.last_closed

    @property
    def plan_start(self) -> dt.date:
        return dt.date(self.plan_year, 1, 1)

    @property
    def plan_end(self) -> dt.date:
        return dt.date(self.plan_year, 12, 31)

    def day(self, value: dt.date) -> dt.date:
        """A day of the story, never after the load day (a story event on a later day happens on it)."""
        return min(value, self.today)

    def month_of_plan(self, index: int) -> int:
        """The calendar month of ``index``, or December when it falls after the plan's year."""
        return 12 if index // 12 > self.plan_year else index % 12 + 1

    # --- the city work opinion and the province's five-year plan -----------------------------

    @property
    def current_year(self) -> int:
        """The year of the city's work opinion: the load day's."""
        return self.today.year

    @property
    def five_year_start(self) -> int:
        """The first year of the five-year plan period containing the load day."""
        return FIVE_YEAR_BASE + 5 * ((self.today.year - FIVE_YEAR_BASE) // 5)

    # --- the society registry ----------------------------------------------------------------

    @property
    def report_year(self) -> int:
        """The year whose society annual reports are being filed: last year's."""
        return self.today.year - 1

    def plan_fields(self) -> dict[str, str]:
        """The values filled into the demo plan documents (see the templates in ``plans/``)."""
        year, start, current = self.plan_year, self.five_year_start, self.current_year
        last = self.last_closed
        national_issued = dt.date(year, 1, 20)
        henan_issued = min(dt.date(start, 3, 6), self.today - dt.timedelta(days=7))
        city_issued = min(dt.date(current, 1, 15), self.today - dt.timedelta(days=3))
        phases = ["开局之年", "深化之年", "攻坚之年", "冲刺之年", "收官之年"]
        # The city's dated tasks fall due after the load day: none of them is overdue.
        youth = 6 if self.today.month < 6 else min(self.today.month + 1, 12)
        science_day = 9 if self.today.month < 9 else min(self.today.month + 1, 12)
        return {
            # National key tasks of the plan year.
            "year": str(year),
            "national_issued": chinese_date(national_issued),
            # The assessment is due three months after the latest closed cycle (at the latest at the
            # year's end) and is deferred; the short videos were due with that cycle and are overdue;
            # the data standard was finished in it.
            "assessment_month": f"{self.month_of_plan(last + 3)}月",
            "videos_month": f"{last % 12 + 1}月",
            "platform_month": f"{last % 12 + 1}月",
            # The province's five-year plan of the period containing the load day.
            "five_year": five_year_name(start),
            "start": str(start),
            "end": str(start + 4),
            "henan_issued": chinese_date(henan_issued),
            "henan_doc_year": str(henan_issued.year),
            # Its staged deadlines, none of them past on the load day.
            "stage_1": str(max(start + 1, self.today.year)),
            "stage_2": str(max(start + 2, self.today.year)),
            # The city's work opinion of the load day's year.
            "city_year": str(current),
            "city_phase": phases[current - self.five_year_start],
            "city_issued": chinese_date(city_issued),
            "youth_month": f"{youth}月",
            "science_day_month": f"{science_day}月",
        }
