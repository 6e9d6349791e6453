"""Each part of a dashboard as a table — headers and rows — for the page's table views and the
.xlsx exports alike, so that the two always show the same numbers."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import pgettext

from .data import ColourCounts, Dashboard

PARTS = ("counts", "lead", "level", "trend", "targets", "overdue", "late")


@dataclass(frozen=True)
class Table:
    part: str
    title: str
    headers: list[str]
    rows: list[list]


def _p(text: str) -> str:
    return pgettext("dashboard", text)


def _count_headers() -> list[str]:
    return [_p("Green"), _p("Amber"), _p("Red"), _p("Total"), _p("Completed"), _p("Overdue")]


def _count_cells(counts: ColourCounts) -> list[int]:
    return [counts.green, counts.amber, counts.red, counts.total, counts.completed, counts.overdue]


def _local(moment):
    # Excel keeps no time zone: write the local time as shown on the page.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def titles() -> dict[str, str]:
    return {"counts": _p("Tasks by colour"), "lead": _p("Progress by lead unit"),
            "level": _p("Progress level by level"), "trend": _p("Trend over reporting cycles"),
            "targets": _p("Target attainment"), "overdue": _p("Overdue tasks"),
            "late": _p("Late and missing reports")}


def table(dashboard: Dashboard, part: str) -> Table:
    title = titles()[part]
    if part == "counts":
        c = dashboard.counts
        return Table(part, title, [_p("Colour"), _p("Tasks")], [
            [_p("Green"), c.green], [_p("Amber"), c.amber], [_p("Red"), c.red], [_p("Total"), c.total],
            [_p("Completed"), c.completed], [_p("Overdue"), c.overdue]])
    if part == "lead":
        return Table(part, title, [_p("Lead unit"), *_count_headers(), _p("Average progress (%)")],
                     [[row.name, *_count_cells(row.counts), row.average_percent] for row in dashboard.by_lead])
    if part == "level":
        return Table(part, title, [_p("Level"), *_count_headers(), _p("Average progress (%)"), _p("Filing rate (%)")],
                     [[row.level, *_count_cells(row.counts), row.average_percent, row.filing_rate]
                      for row in dashboard.by_level])
    if part == "trend":
        return Table(part, title, [_p("Cycle"), *_count_headers(), _p("Average progress (%)"), _p("Filing rate (%)")],
                     [[row.label, *(_count_cells(row.counts) if row.recorded else [None] * 6), row.average_percent,
                       row.filing_rate] for row in dashboard.trend])
    if part == "targets":
        return Table(part, title, [_p("Task"), _p("Target"), _p("Unit"), _p("Goal"), _p("Actual"),
                                   _p("Attainment (%)")],
                     [[row.task, row.target, row.unit, row.goal, row.actual, row.attainment]
                      for row in dashboard.targets])
    if part == "overdue":
        return Table(part, title, [_p("Plan"), _p("No."), _p("Task"), _p("Lead unit"), _p("Deadline"),
                                   _p("Progress (%)"), _p("Days overdue")],
                     [[row.plan, row.key, row.task, row.lead, row.due, row.percent, row.days_overdue]
                      for row in dashboard.overdue])
    if part == "late":
        return Table(part, title, [_p("Cycle"), _p("Reporting unit"), _p("Task"), _p("Filing due"),
                                   _p("Filed at")],
                     [[row.cycle, row.organization, row.task, row.due_on,
                       _local(row.submitted_at) or _p("Not filed")] for row in dashboard.late])
    raise KeyError(part)
