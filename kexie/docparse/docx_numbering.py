"""Word's automatic numbering, written back into the text.

In a .docx the markers of a numbered list (一、 （一） 1.) are often not characters of the
paragraph but a list definition in numbering.xml; python-docx's ``paragraph.text`` leaves them
out, and without them a plan has no structure. This module replays the counters the way Word
does and gives each numbered paragraph its marker as text.
"""

from __future__ import annotations

import re
from typing import Any

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CN = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (lists never run past 99)."""
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional",
               "taiwaneseCounting", "taiwaneseCountingThousand", "chineseLegalSimplified",
               "japaneseCounting"):
        return _chinese(n)
    if fmt.startswith("decimalEnclosedCircle"):
        return _CIRCLED[n - 1] if 1 <= n <= 20 else str(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    return str(n)


def _val(el: Any, tag: str, default: str | None = None) -> str | None:
    child = el.find(W + tag) if el is not None else None
    return child.get(W + "val") if child is not None else default


class Numbering:
    """Counters of a document's numbered lists; ``marker(paragraph)`` gives the next marker."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.findall(W + "abstractNum"):
            levels = {}
            for lvl in an.findall(W + "lvl"):
                ilvl = int(lvl.get(W + "ilvl", "0"))
                levels[ilvl] = (_val(lvl, "numFmt", "decimal") or "decimal",
                                _val(lvl, "lvlText", "") or "", int(_val(lvl, "start", "1") or 1))
            abstract[an.get(W + "abstractNumId", "")] = levels
        for num in root.findall(W + "num"):
            levels = abstract.get(_val(num, "abstractNumId", "") or "", {})
            for ilvl, spec in levels.items():
                self.levels[(num.get(W + "numId", ""), ilvl)] = spec

    @staticmethod
    def _num_pr(paragraph: Any) -> tuple[str, int] | None:
        p_pr = paragraph._p.pPr
        num_pr = p_pr.find(W + "numPr") if p_pr is not None else None
        if num_pr is None:
            style = paragraph.style
            while style is not None and num_pr is None:
                s_pr = style.element.find(W + "pPr")
                num_pr = s_pr.find(W + "numPr") if s_pr is not None else None
                style = style.base_style
        if num_pr is None:
            return None
        num_id = _val(num_pr, "numId")
        if not num_id or num_id == "0":
            return None
        return num_id, int(_val(num_pr, "ilvl", "0") or 0)

    def marker(self, paragraph: Any) -> str:
        """The marker Word shows before ``paragraph`` ('' when it is not numbered)."""
        found = self._num_pr(paragraph)
        if found is None or (found[0], found[1]) not in self.levels:
            return ""
        num_id, ilvl = found
        fmt, text, start = self.levels[(num_id, ilvl)]
        counters = self.counters.setdefault(num_id, [])
        while len(counters) <= ilvl:
            spec = self.levels.get((num_id, len(counters)))
            counters.append((spec[2] if spec else 1) - 1)
        counters[ilvl] += 1
        del counters[ilvl + 1:]  # a deeper level starts again under a new parent
        if fmt in ("bullet", "none"):
            return ""

        def level_value(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            spec = self.levels.get((num_id, k))
            value = counters[k] if k < len(counters) else 1
            return _format(value, spec[0] if spec else "decimal")

        return re.sub(r"%(\d)", level_value, text)
