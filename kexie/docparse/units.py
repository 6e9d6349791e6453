"""Lead and co-responsible units (牵头单位、配合单位) named for an item.

Forms recognised, in the order official documents use them most:
``（学会部牵头）`` / ``（学会部牵头，科普部配合）`` at the end of an item, ``牵头单位：…`` /
``配合单位：…`` / ``责任单位：…`` lines or brackets, ``由…牵头`` and ``会同…`` in the same
sentence as a lead.
"""

from __future__ import annotations

import re

_SPLIT = re.compile(r"[、，,；;/]|以及")  # not 和/及: 省工业和信息化厅 is one unit
_BRACKET = re.compile(r"[(（]([^()（）]{2,80})[)）]")
# 牵头科室（单位）：… in a task table flattened to lines: the bracket qualifies the label.
_LABEL = re.compile(r"((?:牵头|主责|责任|配合|参与|协办|协同)(?:单位|部门|科室|处室))"
                    r"\s*(?:[(（〈][^()（）〈〉]{1,6}[)）〉])?\s*[:：]\s*([^；;。()（）\n]+)")
_LEAD_IN_BRACKET = re.compile(r"^(.{2,60}?)(?:牵头|负责|主责)(?:[，,、；;]|$)")
_CO_IN_BRACKET = re.compile(r"(?:^|[，,；;])(.{2,60}?)(?:配合|参与|协同|参加|协办)$")
_BY_LEAD = re.compile(r"由([^，,。；;：:“”()（）]{2,30}?)牵头")
_WITH = re.compile(r"会同([\u4e00-\u9fff、]{1,30}?(?:部门|单位|部|厅|局|委|办|中心|协会|学会|科协|院|所))")
_LEAD_LABELS = ("牵头单位", "牵头部门", "牵头科室", "牵头处室", "主责单位", "主责部门")
# Generic phrases that name no unit in particular: kept out of free-text 会同 matches.
_GENERIC = {"相关部门", "有关部门", "有关单位", "相关单位", "各有关单位", "各相关单位"}


# Words that describe how units share the work, not part of their names.
_DUTY_WORDS = re.compile(r"按职责分工|按照职责分工|按职责|根据职责|分别|共同|具体|负责$")


def split_units(text: str) -> list[str]:
    """'办公厅、信息中心' → ['办公厅', '信息中心']."""
    out: list[str] = []
    text = _DUTY_WORDS.sub("", text)
    for part in _SPLIT.split(text):
        part = part.strip(" 　:：等")
        if part.endswith("等"):
            part = part[:-1]
        if len(part) >= 2 and part not in out:
            out.append(part)
    return out


def is_unit_bracket(inner: str) -> bool:
    """True for the content of a responsibility bracket such as '学会部牵头'."""
    return bool(_LABEL.search(inner) or _LEAD_IN_BRACKET.search(inner)
                or _CO_IN_BRACKET.search(inner))


def strip_unit_bracket(title: str) -> str:
    """A title without its trailing '（XX牵头）'."""
    m = re.search(r"[(（]([^()（）]{2,80})[)）]\s*[。；;，,]?$", title)
    if m and is_unit_bracket(m[1]):
        return title[:m.start()].rstrip("，,；;。 ")
    return title


def _from_bracket(inner: str) -> tuple[list[str], list[str]]:
    lead: list[str] = []
    co: list[str] = []
    labelled = False
    for m in _LABEL.finditer(inner):
        labelled = True
        (lead if m[1] in _LEAD_LABELS else co).extend(split_units(m[2]))
    if labelled:
        return lead, co
    for clause in re.split(r"[；;]|[，,](?=[^，,]*(?:配合|参与|协同|参加|协办)$)", inner):
        clause = clause.strip()
        m = _LEAD_IN_BRACKET.match(clause)
        if m:
            lead.extend(split_units(m[1]))
            continue
        m = re.match(r"^(.{2,60}?)(?:配合|参与|协同|参加|协办)$", clause)
        if m:
            co.extend(split_units(m[1]))
    return lead, co


# "责任单位：学会部（牵头）、科普部": the unit marked （牵头） leads, the others share the work.
_LABEL_WITH_MARK = re.compile(r"(?:责任单位|责任部门|牵头单位|承办单位)\s*[:：]\s*((?:[^；;。()（）\n]|[(（](?:牵头|主责|负责)[)）])+)")
_MARKED_LEAD = re.compile(r"([^、，,；;：:()（）\s]{2,30})[(（](?:牵头|主责|负责)[)）]")


_SHORT_BRACKET = re.compile(r"[(（]([^()（）牵负配参协]{1,6})[)）]")


def find_units(text: str) -> tuple[list[str], list[str]]:
    """(lead_units, co_units) named in an item's own text; empty lists when it names none."""
    # 各县（市、区）科协: brackets inside a unit's name are shielded from the bracket and
    # list rules, then restored in the names returned.
    shielded = _SHORT_BRACKET.sub(lambda m: "〈" + m[1].replace("、", "·") + "〉", text)
    lead, co = _find_units(shielded)
    restore = str.maketrans({"〈": "(", "〉": ")", "·": "、"})
    return [u.translate(restore) for u in lead], [u.translate(restore) for u in co]


def _find_units(text: str) -> tuple[list[str], list[str]]:
    lead: list[str] = []
    co: list[str] = []
    marked = list(_MARKED_LEAD.finditer(text))
    if marked:
        lead = [m[1] for m in marked]
        label = _LABEL_WITH_MARK.search(text)
        if label:
            rest = _MARKED_LEAD.sub(lambda m: m[1], label[1])
            co = [u for u in split_units(rest) if u not in lead]
        return lead, co
    for m in _BRACKET.finditer(text):
        if is_unit_bracket(m[1]):
            a, b = _from_bracket(m[1])
            lead += [u for u in a if u not in lead]
            co += [u for u in b if u not in co]
    if not lead and not co:
        for m in _LABEL.finditer(text):
            target = lead if m[1] in _LEAD_LABELS else co
            target += [u for u in split_units(m[2]) if u not in target]
    if not lead:
        for m in _BY_LEAD.finditer(text):
            lead += [u for u in split_units(m[1]) if u not in lead]
    if lead:
        # 会同 only counts in a sentence that also names the lead ("由A牵头，会同B…").
        for sentence in re.split(r"[。；;]", text):
            if "牵头" in sentence:
                for m in _WITH.finditer(sentence):
                    co += [u for u in split_units(m[1]) if u not in co and u not in _GENERIC]
    return lead, co
