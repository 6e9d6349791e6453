"""The statistics date (统计日期) as every page that shows lights writes it."""

from django import template

from kexie.tracking.statistics import is_stale, statistics_date

register = template.Library()


@register.inclusion_tag("tracking/_statistics_date.html")
def statistics_date_line(day=None):
    """「统计日期：2026-12-07」 for ``day`` (default: the statistics date), with a warning when the
    daily refresh has not run today."""
    day = day or statistics_date()
    return {"day": day, "stale": is_stale(day)}
