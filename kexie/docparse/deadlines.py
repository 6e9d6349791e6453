"""Deadlines (完成时限) written in an item's text, as ISO dates.

``2021年底前`` → 2021-12-31, ``2022年6月底前`` → 2022-06-30, ``6月底前`` → in the plan's
year, ``上半年`` → June 30 of the plan's year, ``三季度`` → September 30,
``到“十四五”期末`` → 2025-12-31, ``到2025年`` → 2025-12-31.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_BEFORE = r"(?:前|以前|之前|完成|底|末)"

_FIVE_YEAR_END = re.compile(r"[“\"]?十([一二三四五六七八九])五[”\"]?(?:时期|规划)?(?:期末|末|期间|时期)")
_YEAR_MONTH = re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月(?:(\d{1,2})日)?\s*(?:底|末|中旬|上旬|下旬)?" + _BEFORE)
_YEAR_HALF = re.compile(r"(?<!\d)(\d{4})\s*年\s*(上半年|下半年|[一二三四1-4]季度|第[一二三四1-4]季度)")
_YEAR_END = re.compile(r"(?<!\d)(\d{4})\s*年\s*(?:底|年底|末|年末|内)?\s*(?:前|以前|之前|底|末)")
_BY_YEAR = re.compile(r"(?:到|至|截至)\s*(\d{4})\s*年(?![\d月])")
_MONTH = re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?(?:底|末|中旬|上旬|下旬)?(?:前|以前|之前)")
_MONTH_END = re.compile(r"(?<![\d年])(\d{1,2})\s*月(?:底|末)")
# A stage written as a span of months: 2023年4月—10月 ends with its last month.
_MONTH_SPAN = re.compile(r"(?<!\d)(\d{4})\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*[-—–~～至到]+\s*"
                         r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月")
# In a deadline column or after 完成时限： a bare month or year is the deadline.
_LABELLED = re.compile(r"(?:时限|完成时间|截止时间|期限)\s*[:：]\s*(\d{4})\s*年(?:\s*(\d{1,2})\s*月)?")
_HALF = re.compile(r"(?<![\d年])(上半年|下半年|年底前|年底|年内|全年|[一二三四]季度|第[一二三四1-4]季度)")


def _month_end(year: int, month: int) -> str | None:
    if not 1 <= month <= 12 or not 1900 <= year <= 2200:
        return None
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


def _day(year: int, month: int, day: str | None) -> str | None:
    """A written day (12月10日前) is the deadline itself; a month alone means its last day."""
    if not day:
        return _month_end(year, month)
    try:
        return date(year, month, int(day)).isoformat()
    except ValueError:
        return None


def _half(year: int, word: str) -> str | None:
    if "上半年" in word:
        return _month_end(year, 6)
    if "下半年" in word or "年底" in word or "年内" in word or "全年" in word:
        return _month_end(year, 12)
    q = re.search(r"([一二三四1-4])季度", word)
    if q:
        n = _CN.get(q[1]) or int(q[1])
        return _month_end(year, n * 3)
    return None


def find_deadlines(text: str, plan_year: int | None) -> list[str]:
    """Every deadline written in ``text``, ISO, in order of appearance."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, iso: str | None) -> None:
        if iso and not any(a <= m.start() < b for a, b in taken):
            found.append((m.start(), iso))
            taken.append((m.start(), m.end()))

    for m in _FIVE_YEAR_END.finditer(text):
        n = _CN[m[1]] + 10
        add(m, f"{2021 + (n - 14) * 5 + 4}-12-31")  # 十四五 ends 2025
    for m in _MONTH_SPAN.finditer(text):
        add(m, _month_end(int(m[2] or m[1]), int(m[3])))
    for m in _YEAR_MONTH.finditer(text):
        add(m, _day(int(m[1]), int(m[2]), m[3]))
    for m in _YEAR_HALF.finditer(text):
        add(m, _half(int(m[1]), m[2]))
    for m in _YEAR_END.finditer(text):
        add(m, _month_end(int(m[1]), 12))
    for m in _LABELLED.finditer(text):
        add(m, _month_end(int(m[1]), int(m[2]) if m[2] else 12))
    for m in _BY_YEAR.finditer(text):
        add(m, _month_end(int(m[1]), 12))
    if plan_year:
        for m in _MONTH.finditer(text):
            add(m, _day(plan_year, int(m[1]), m[2]))
        for m in _MONTH_END.finditer(text):
            add(m, _month_end(plan_year, int(m[1])))
        for m in _HALF.finditer(text):
            add(m, _half(plan_year, m[1]))
    return [iso for _, iso in sorted(found)]


def latest_deadline(text: str, plan_year: int | None) -> str | None:
    """The latest deadline in ``text``: an item is done when its last milestone is."""
    found = find_deadlines(text, plan_year)
    return max(found) if found else None
