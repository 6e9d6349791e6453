"""Quantified targets (指标): forward-looking counted commitments in an item's text.

A target is a number with a counting unit (``10个``, ``3—5场``, ``20家以上``, ``1万名``,
``80%``) in a clause that commits to doing something (建设, 创建, 举办, 新增…), or any such
count in a goal item. Not targets: years and dates, ordinals (第六届), numbers inside quotes or
book titles (names such as “四个一批”), frequencies (每月一次), criteria (连续举办2年以上的),
past results (已建成), references (围绕16个产业), counts of the plan's own tasks
(以上10项改革任务), and vague quantities (一批, 若干).
"""

from __future__ import annotations

import re
from typing import Any

import cn2an

from kexie.docparse.deadlines import find_deadlines

_CN_NUM = r"[零〇一二两三四五六七八九十百千]+"
_NUM = rf"(?:\d+(?:\.\d+)?|{_CN_NUM})"
_UNIT = (r"(?:个百分点|百分点|人次|亿元|万元|元|家|个|场|项|所|名|人|次|期|部|本|篇|册|套|台|座|处|支|批|类|门|种|件|份|"
         r"条|位|户|只|间|块|辆|颗|株|亩|平方米|公顷|公里|千米|米|%|倍|课时|学时|小时|节|集|幅|首|幕|队|团|站)")
TARGET = re.compile(
    rf"(?P<pre>不少于|不低于|不下于|至少|超过|多于|达到|达|突破|逾|约|近)?"
    rf"(?P<a>{_NUM})(?P<wa>万|亿)?\s*"
    rf"(?:(?P<sep>[-—–~～至到])\s*(?P<b>{_NUM})(?P<wb>万|亿)?\s*)?"
    rf"(?P<unit>{_UNIT})(?P<post>及以上|以上|左右|以内|余)?"
)
VERBS = re.compile(
    r"新建|建成|建设|创建|打造|遴选|举办|办好|开展|扶持|新增|培育|成立|组建|培训|发展|认定|评选|资助|"
    r"推出|出版|制定|完成|达到|召开|组织|设立|建立|引进|吸纳|发布|选树|表彰|推荐|举荐|覆盖|提升|提高|"
    r"增长|增加|突破|超过|不少于|至少|实现|编制|形成|培养|征集|转化|孵化|招募|创办|承办|主办|支持|命名|"
    r"授牌|挂牌|吸引|带动|惠及|开设|上线|入驻|落地|签约|对接|攻关|解决|申报|立项|选派|派出|走访|慰问|"
    r"撰写|报送|提交|编写|录制|制作|创作|推送|开发|研发|评定|评估|改造|新设|聘请|聘任|吸收|发展会员|"
    r"托举|择优|资助|奖励|评出|选拔|认证|备案|推广|示范|服务|促成|帮助|引导|举行|产生|颁发|授予|扩大|增至"
)
# Words that introduce a reference to things that exist, not a commitment: "围绕16个产业".
_REFERENCE = re.compile(r"围绕|聚焦|针对|紧盯|紧扣|对标|涉及|按照|根据|依据|对照|立足|面向|瞄准|依托|"
                        r"包括|其中|分为|涵盖|覆盖全省|共有|现有|已有|已经|已|累计|先后|曾|连续")
_PLAN_COUNT = re.compile(r"^(?:个|项|条)?(?:改革|重点|主要|具体)?(?:任务|方面|举措|措施|工作|条款|要求|原则|环节|领域)")
_MEASURE = re.compile(r"(?:人数|数量|总数|总量|规模|比例|比重|覆盖率|率)(?:达到|达|超过|不少于|不低于|提高到|提升到|保持在|稳定在)?$")
_STAFFING = re.compile(r"设(?:副)?(?:主任|主席|会长|队长|组长|秘书长|副秘书长|理事长|委员|成员|干事|联络员)$|"
                       r"[，,；;](?:副)?(?:秘书长|队长|组长|委员)$")
_CLAUSE_SPLIT = re.compile(r"[，,。；;：:！？!?]")
_QUOTED = re.compile(r"“[^“”]{0,40}”|\"[^\"]{0,40}\"|《[^《》]{0,80}》|「[^「」]{0,40}」|〔[^〔〕]{0,10}〕|\[[^\]]{0,20}\]")
_METRIC_STOP = re.compile(r"[，,。；;：:、！？!?()（）]|以上|左右|及|和|等|的|作为|为")
_METRIC_LEAD = re.compile(r"^(?:重点|积极|力争|大力|着力|推动|推进|持续|继续|进一步|全年|年内|累计|共)+")


def _value(num: str, wan: str | None) -> float | int | None:
    try:
        v = float(num) if num[0].isdigit() else float(cn2an.cn2an(num, "smart"))
    except (ValueError, KeyError, IndexError):
        return None
    if wan == "万":
        v *= 10_000
    elif wan == "亿":
        v *= 100_000_000
    return int(v) if v == int(v) else v


def _masked(text: str) -> list[bool]:
    """True for characters inside quotes, book titles and document numbers."""
    mask = [False] * len(text)
    for m in _QUOTED.finditer(text):
        for i in range(m.start(), m.end()):
            mask[i] = True
    return mask


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    start = 0
    for m in _CLAUSE_SPLIT.finditer(text, 0, pos):
        start = m.end()
    m = _CLAUSE_SPLIT.search(text, pos)
    return start, (m.start() if m else len(text))


def _sentence(text: str, pos: int) -> str:
    start = max(text.rfind("。", 0, pos), text.rfind("；", 0, pos), text.rfind(";", 0, pos)) + 1
    ends = [i for i in (text.find("。", pos), text.find("；", pos), text.find(";", pos)) if i >= 0]
    return text[start:min(ends) if ends else len(text)]


def find_targets(text: str, *, goal: bool, due: str | None, plan_year: int | None) -> list[dict[str, Any]]:
    """Targets in an item's own text. ``goal`` relaxes the need for a commitment verb."""
    out: list[dict[str, Any]] = []
    mask = _masked(text)
    clause_verb: dict[int, str] = {}  # clause start → verb shared along a 、 chain
    for m in TARGET.finditer(text):
        a = m["a"]
        if mask[m.start("a")]:
            continue
        before = text[max(0, m.start() - 2):m.start()]
        if before.endswith("第") or (m.start() and (text[m.start() - 1].isascii() and text[m.start() - 1].isalnum())):
            continue
        if before.endswith(("每", "以上", "上述", "前述", "一式")) or text[max(0, m.start() - 1):m.start()] in ("每", "近"):
            continue  # 每月1次, 一式两份: frequencies and copies
        if _STAFFING.search(text[max(0, m.start() - 8):m.start()]):
            continue  # 设队长1名: the make-up of a body, not a result to reach
        if not a[0].isdigit() and (a in ("一", "十") or len(a) > 1 and a[0] == "一" and a[1] != "十"):
            continue  # 一批, 一个, 一次: vague or generic, never counted
        after = text[m.end():m.end() + 8]
        if m["unit"] in ("次", "期") and not m["pre"] and not m["post"] and not a[0].isdigit():
            continue  # 两次, 三期 read as frequencies more often than targets
        if _PLAN_COUNT.match(after):
            continue
        if m["unit"] == "次" and "每" in text[_clause_bounds(text, m.start())[0]:m.start()]:
            continue  # 每季度召开1次: a frequency, not a count to reach
        cstart, cend = _clause_bounds(text, m.start())
        prefix = text[cstart:m.start()]
        ref = None
        for r in _REFERENCE.finditer(prefix):
            if not (goal and r.group(0) == "其中"):  # a goal's breakdown (其中论坛20场) is its targets
                ref = r
        # 覆盖率, 完成率: a verb followed by 率 is part of the measure's name, not the action.
        verbs: list = [v for v in VERBS.finditer(prefix) if not prefix.startswith("率", v.end())]
        # "乡镇科协组织覆盖率达到90%": everything before the measure names what is measured, so
        # only a verb inside the measure phrase (达到) is the action.
        measure = _MEASURE.search(prefix)
        if measure:
            verbs = [v for v in verbs if v.start() >= measure.start()]
        if len(verbs) > 1 and verbs[1].start() == verbs[0].end():
            # Verbs written together read as one: 培育成立.
            end, k = verbs[0].end(), 1
            while k < len(verbs) and verbs[k].start() == end:
                end, k = verbs[k].end(), k + 1
            verbs = [_Joined(verbs[0].start(), prefix[verbs[0].start():end])] + verbs[k:]
        if ref is not None and not any(v.start() > ref.end() for v in verbs):
            continue
        if m["pre"] and not verbs:
            verbs = [re.match(r".+", m["pre"])]  # "达到80%", "不少于10家" carry their own verb
        verb = verbs[0].group(0) if verbs else clause_verb.get(cstart)
        # "参会人数300人以上", "覆盖率达到90%": a measure named right before its value.
        measured = bool(_MEASURE.search(prefix))
        if verb is None and not goal and not measured:
            continue
        clause_verb[cstart] = verb or ""
        av = _value(a, m["wa"] if not m["b"] else (m["wa"] or m["wb"]))
        if av is None:
            continue
        if m["b"]:
            bv = _value(m["b"], m["wb"] or m["wa"])
            if bv is None or bv < av:
                continue
            lo, hi = av, bv
        elif m["post"] in ("以上", "及以上", "余") or m["pre"] in ("不少于", "不低于", "至少", "超过", "多于", "突破", "逾", "不下于"):
            lo, hi = av, None
        elif m["post"] == "以内":
            lo, hi = None, av
        else:
            lo = hi = av
        metric = _metric(text, m, verbs[0] if verbs else None, cstart, cend)
        start = verbs[0].start() + cstart if verbs and verbs[0].re is VERBS else cstart
        # In a chain (建成A2所、B13个), each target's text starts after the 、 before it.
        chain = text.rfind("、", start, m.start())
        if chain >= 0:
            start = chain + 1
        end = m.end()
        tail = text[m.end():cend]
        stop = _METRIC_STOP.search(tail)
        if tail and not tail.startswith(("的", "以上", "左右")):
            end = m.end() + (stop.start() if stop else len(tail))
        sentence = _sentence(text, m.start())
        found = find_deadlines(sentence, plan_year)
        out.append({
            "text": text[start:end].strip(),
            "metric": metric,
            "verb": verb or None,
            "min": lo,
            "max": hi,
            "unit": "%" if m["unit"] == "%" else m["unit"].replace("万", ""),
            "due": max(found) if found else due,
        })
    return out


class _Joined:
    """A run of adjacent verbs, shaped like the re.Match objects it stands in for."""

    re = VERBS

    def __init__(self, start: int, text: str) -> None:
        self._start, self._text = start, text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._start + len(self._text)

    def group(self, _: int = 0) -> str:
        return self._text


def _metric(text: str, m: re.Match, verb: re.Match | None, cstart: int, cend: int) -> str:
    """What is counted: the noun after the unit (10个基地) or before the number (基地10个)."""
    tail = text[m.end():cend]
    if tail.startswith("的"):
        tail = tail[1:]
    stop = _METRIC_STOP.search(tail)
    after = tail[:stop.start()] if stop else tail
    if len(after) >= 2:
        return after[:30]
    head_start = cstart + (verb.end() if verb is not None and verb.re is VERBS else 0)
    head = text[head_start:m.start()]
    head = re.split(r"[、]", head)[-1]
    head = _METRIC_LEAD.sub("", head).rstrip("等共计约达到")
    return head[-30:]
