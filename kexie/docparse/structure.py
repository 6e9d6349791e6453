"""The item tree: numbering markers, topic paragraphs, inline enumerations, titles, kinds.

Levels follow the order of Chinese official documents (GB/T 9704): (第一部分 →) 一、 → (一) →
1. / 1、 → (1) → ①; paragraph-level items (一是…, ——…, and unnumbered topic paragraphs) sit one level
below the heading they follow. A marker of a style already open closes everything below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kexie.docparse.normalise import Line
from kexie.docparse.units import strip_unit_bracket

CN_NUM = "一二三四五六七八九十"
_CN_VAL = {c: i + 1 for i, c in enumerate(CN_NUM)}

# (style, rank, regex). Rank orders heading levels: 第一部分/第一章 above 一、 above (一) above
# 1. above (1) above ①; paragraph-level styles (一是, ——, topic paragraphs) share PARA_RANK.
MARKERS: list[tuple[str, int, re.Pattern[str]]] = [
    ("part", 1, re.compile(rf"^第(?P<v>[{CN_NUM}]{{1,3}})(?:部分|章|篇)\s*")),
    ("cn", 2, re.compile(rf"^(?P<v>[{CN_NUM}]{{1,3}})(?P<p>[、．.])")),
    ("pcn", 3, re.compile(rf"^\(\s*(?P<v>[{CN_NUM}]{{1,3}})\s*\)[、.．]?")),
    ("n", 4, re.compile(r"^(?P<v>\d{1,2})\s*(?P<p>[.．、](?!\d))")),
    ("pn", 5, re.compile(r"^(?:\(\s*(?P<v>\d{1,2})\s*\)|(?P<w>\d{1,2})\)|(?P<x>[?？\ufffd]{1,2}[。.]?[?？\ufffd]{1,2}\)))[、.．]?")),
    ("circ", 6, re.compile(r"^(?P<c>[①-⑳])")),
    ("shi", 7, re.compile(rf"^(?P<v>[{CN_NUM}]{{1,3}})是(?![否的])")),
    ("dash", 7, re.compile(r"^(?:——|—(?=[\u4e00-\u9fff“])|--)")),
    ("di", 7, re.compile(rf"^第(?P<v>[{CN_NUM}]{{1,3}})[，,、]")),  # 第一，… like 一是…
]
PARA_RANK = 7
ROW_RANK = 4  # a table row sits where a 1. item would
_STYLE_RANK = {style: (style, rank, rx) for style, rank, rx in MARKERS}
# A paragraph this long is a run-on: a whole document whose line breaks were lost.
RUN_ON = 300
# Where a glued marker can begin: anywhere a numeral, a bracket or a digit starts.
_GLUED = re.compile(r"(?<=[^\d(（一二三四五六七八九十第—])(?=[一二三四五六七八九十(—]|\d)")
_STOP = re.compile(r"[。；;！？!?：:，,]")
_UNIT_CLOSE = re.compile(r"(?:牵头|负责|配合|参与|协办)[)）]$")
_HEAD_STOP = re.compile(r"[。；;！？!?：:]")

# Heading words that decide an item's kind (the heading words of the genre).
KIND_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("goal", re.compile(r"主要目标|发展目标|工作目标|总体目标|具体目标|预期目标|目标任务|目标要求|奋斗目标")),
    ("safeguard", re.compile(r"保障措施|组织保障|保障机制|工作保障|实施保障|组织实施|工作要求|保障条件|政策保障")),
    # context: what is read, not tracked, including reviews of past work (工作回顾).
    ("context", re.compile(r"背景|形势|总体要求|指导思想|基本原则|工作原则|总体思路|重要意义|基本情况|现状|"
                           r"过去|工作回顾|工作总结|主要成效|工作成效|取得成效|主要成绩|总体考虑|工作思路|"
                           r"发展基础|工作基础|现实基础|面临形势|发展环境|前言|引言|序言")),
]
# Heading phrases a heading line can run into its body without punctuation: 指导思想坚持以…
HEAD_PHRASES = re.compile(
    r"^(指导思想|基本原则|工作原则|总体要求|主要目标|工作目标|发展目标|总体目标|重点任务|主要任务|工作任务|"
    r"重点工作|主要措施|工作措施|保障措施|组织保障|组织领导|组织实施|实施步骤|进度安排|时间安排|工作要求|"
    r"背景形势|工作背景|督促检查|考核评估|总体思路)"
)
# An unnumbered label line that introduces a list: 基本原则： / 总体目标:
_LABEL = re.compile(r"^([\u4e00-\u9fff、和与及]{2,12})[:：]$")
_TITLE_END = re.compile(r"[。；;：:！？!?]")
# A short heading glued to its body ends with a heading word: 目的意义开展…, 队伍组建科技志愿者…
_HEAD_FINAL = re.compile(r"^[\u4e00-\u9fff]{2,4}?(?:意义|背景|目标|原则|思想|要求|内容|时间|安排|步骤|措施|保障|对象|"
                         r"范围|方式|职责|分工|组建|机构|条件|程序|流程|主题|名称|宗旨|地点)(?=[\u4e00-\u9fff“《])")
# Words that open a body sentence: a heading run into its body ends before them.
_BODY_OPENER = re.compile(r"(?<=[\u4e00-\u9fff”》])(?:根据|按照|依据|为了|为深入|为进一步|为全面|近年来|长期以来|随着|"
                          r"目前|今年以来|本着)")
# A trailing remark in brackets is not part of a title: (见附件一), (一式两份,见附件二), (即会员大会).
_REMARK = re.compile(r"[(（](?:[^()（）]*(?:附件|详见|参照|参见|一式)[^()（）]*|即[^()（）]{1,12})[)）]$")
# A topic sentence is a short heading: no comma inside (a sentence with one is body text).
_FIRST_SENTENCE = re.compile(r"^([^。！？!?，,；;]{2,30})。")
FUTURE = re.compile(r"下一步|今后|接下来|下阶段|下一阶段|将(?:继续|进一步|深入|着力|全力|加快|推动|积极|坚持|持续|重点|大力|以)")
_INLINE_TRIGGER = re.compile(r"(?:具体包括|主要包括|重点包括|包括|主要有|具体为|具体是)[:：]?")
_NOT_AFTER_INLINE_NUM = set("年月日号个家项次名人万亿千百十元条批期届所场%.、,，:：·")


@dataclass
class Node:
    """One item while the tree is being built."""

    style: str
    rank: int
    value: int
    marker: str
    title: str = ""
    head: Line = field(default_factory=lambda: Line("", []))  # the title sentence as written
    own: list[Line] = field(default_factory=list)  # the item's own text after it, children excluded
    body_at: int = 0  # where the text after the title starts in the paragraph
    children: list["Node"] = field(default_factory=list)
    parent: "Node | None" = None
    span: list[int] = field(default_factory=lambda: [0, 0])
    has_text: bool = False  # text of its own besides the title sentence
    inline: bool = False  # found inside a paragraph rather than at its start
    intro: str = ""  # the unnumbered paragraph just before it (for past/future judgement)
    unit_text: str = ""  # where its responsibility bracket is looked for
    kind: str = ""
    label_kind: str | None = None  # the kind of an unnumbered label it is listed under (基本原则：)
    label: str | None = None  # an unnumbered label (基本原则：) its next children are listed under

    def own_text(self) -> str:
        return "".join(p.text for p in self.own)

    def full_text(self) -> str:
        """Title sentence and own text: where deadlines and targets are looked for."""
        return self.head.text + self.own_text()

    def heading_ancestor(self) -> "Node | None":
        node: Node | None = self
        while node is not None and node.rank >= PARA_RANK:
            node = node.parent
        return node


def _is_topic(sentence: str, after: str, parent_title: str) -> bool:
    """A topic paragraph opens with a short heading, normally followed by its body (a layout
    may break the paragraph right after the heading). A date is not a heading, nor is the
    one sentence under a heading of facts (申报对象：符合…的社会力量。)."""
    if not re.match(r"[\u4e00-\u9fff“《]", sentence):
        return False
    if len(after.strip()) >= 10:
        return True
    # Alone, it must read as a heading: not a request or a statement (请各单位…, 凡…).
    return keyword_kind(parent_title) not in ("info", "context") and not re.match(r"[请各本该此凡对在由经如若]", sentence)


def match_marker(text: str) -> tuple[str, int, int, str, int] | None:
    """(style, rank, value, normalised marker, length) for a paragraph starting with a marker."""
    for style, rank, rx in MARKERS:
        m = rx.match(text)
        if not m:
            continue
        rest = text[m.end():]
        if style in ("n", "pn") and rest[:1] in ("年", "月", "日", "%", "号", "个", "万", "亿"):
            return None
        if style == "part":
            if not rest.strip(" 】]"):
                return None  # 第一篇 alone: a compilation page's header, not a part
            return style, rank, _cn_value(m["v"]), m.group(0).strip(), m.end()
        if style == "cn":
            return style, rank, _cn_value(m["v"]), m["v"] + "、", m.end()
        if style == "pcn":
            return style, rank, _cn_value(m["v"]), f"({m['v']})", m.end()
        if style == "n":
            p = "." if m["p"] in ".．" else "、"
            return style, rank, int(m["v"]), m["v"] + p, m.end()
        if style == "pn":
            if m["x"]:
                # "?。?)": a bracketed number an encoding error made unreadable; its place in
                # the list is all that is left of it.
                return style, rank, 0, "(?)", m.end()
            if m["v"]:
                return style, rank, int(m["v"]), f"({m['v']})", m.end()
            return style, rank, int(m["w"]), f"{m['w']})", m.end()
        if style == "circ":
            return style, rank, ord(m["c"]) - ord("①") + 1, m["c"], m.end()
        if style == "shi":
            return style, rank, _cn_value(m["v"]), m["v"] + "是", m.end()
        if style == "dash":
            return style, rank, 0, "——", m.end()
        if style == "di":
            return style, rank, _cn_value(m["v"]), f"第{m['v']}，", m.end()
    return None


def _cn_value(text: str) -> int:
    if "十" not in text:
        return _CN_VAL.get(text[-1], 0) if len(text) == 1 else 0
    tens, _, ones = text.partition("十")
    return (_CN_VAL.get(tens, 1) if tens else 1) * 10 + (_CN_VAL.get(ones, 0) if ones else 0)


def cut_title(rest: str) -> tuple[int, int]:
    """(title_end, text_start) within ``rest``: the title runs to the first 。/；/：, or the
    whole line when it has none; a heading glued to its body ends with its heading phrase."""
    m = _TITLE_END.search(rest)
    if m:
        end, start = m.start(), m.end()
    else:
        end = start = len(rest)
    if end > 20:
        h = HEAD_PHRASES.match(rest) or _HEAD_FINAL.match(rest)
        if h and not _TITLE_END.match(rest[h.end():h.end() + 1] or "。"):
            return h.end(), h.end()
        b = _BODY_OPENER.search(rest, 6, min(end, 60)) if end > 40 else None
        if b:
            return b.start(), b.start()
    return end, start


class Builder:
    """Builds the item tree from the body's paragraphs."""

    def __init__(self) -> None:
        self.root = Node("root", 0, 0, "")
        self.stack: list[Node] = [self.root]
        self.last_plain = ""  # the latest unnumbered paragraph that is not an item

    # -- paragraphs ------------------------------------------------------------------------
    def add_paragraph(self, para: Line) -> None:
        if "\t" in para.text:
            self._add_row(para)
            return
        self.columns = None
        for piece in self._split_glued(para):
            self._add_one(piece)
        self.open_sentence = len(para.text) >= 20 and "。" in para.text \
            and para.text[-1] not in "。；;！？!?：:)）”】」"

    open_sentence = False  # the last paragraph stopped in mid-sentence (a page broke it)
    last_n = 0  # the last 1. / 1、 number seen: such lists may run on across sections

    # -- tables flattened to lines (cells separated by tabs) -------------------------------
    columns: dict[str, int] | None = None

    def _add_row(self, para: Line) -> None:
        """A table row: the header row names the columns (序号、任务、牵头单位、完成时限…);
        each later row with a number or a task becomes an item under the open heading."""
        cells = _cells(para)
        texts = [c.text for c in cells]
        header = _header_columns(texts)
        if header:
            self.columns = header
            return
        cols = self.columns
        if cols is None or "task" not in cols:
            joined = Line(" ".join(texts), [])
            for c in cells:
                joined.offs.extend(c.offs + ([c.offs[-1]] if c.offs else []))
            joined.offs = joined.offs[:len(joined.text)]
            self._add_one(joined)
            return

        def cell(role: str) -> Line | None:
            i = cols.get(role)
            return cells[i] if i is not None and i < len(cells) and cells[i].text else None

        task = cell("task")
        if task is None:
            return
        num = cell("num")
        hit = match_marker(task.text)
        if hit:
            style, rank, value, marker, length = hit
        elif num is not None and num.text.isdigit():
            style, rank, value, marker, length = "row", ROW_RANK, int(num.text), num.text + ".", 0
        else:
            style, rank, value, marker, length = "row", ROW_RANK, 0, "", 0
        node = Node(style, rank, value, marker)
        self._fill(node, task, length)
        units = []
        for role, word in (("lead", "牵头"), ("co", "配合")):
            c = cell(role)
            if c is not None:
                units.append(c.text + word)
        node.unit_text = "（" + "；".join(units) + "）" if units else ""
        for role in ("detail", "target", "due"):
            c = cell(role)
            if c is not None:
                # The due cell reads as "完成时限：2023年9月" so a bare month counts as a deadline.
                label = "。完成时限：" if role == "due" else "。"
                node.own.append(Line(label, [c.offs[0]] * len(label)) + c)
                node.has_text = node.has_text or role == "detail"
        node.span = [cells[0].orig_span()[0], cells[-1].orig_span()[1]]
        self._push(node)

    def _split_glued(self, para: Line) -> list[Line]:
        """Split where a copy lost the line breaks and glued the next heading onto a paragraph:
        '…转变。二、着力…', '…如下:一、目的意义…', or a heading run straight into its first
        sub-heading, '一、科普服务职能稳步提升1、巩固…'. A marker counts when it continues an
        open sequence, or opens one: a first top-level heading after a full stop or colon, a
        first sub-heading right after its heading, and in a run-on paragraph (a whole document
        on one line) a first numbered item after a full stop."""
        text = para.text
        cuts: list[int] = []
        last = {n.style: n.value for n in self.stack}
        own = match_marker(text)
        if own:
            last[own[0]] = own[2]
        run_on = len(text) >= RUN_ON
        seg_start, seg_rank = (0, own[1]) if own else (None, None)
        seen = {"n": self.last_n, **({own[0]: own[2]} if own else {})}
        for m in _GLUED.finditer(text):
            at = m.end()
            if at == 0 or at <= (cuts[-1] if cuts else 0):
                continue
            hit = match_marker(text[at:])
            if not hit or hit[0] not in ("cn", "pcn", "n", "shi", "dash"):
                continue
            if hit[0] == "shi" and not run_on:
                continue  # 一是… inside a paragraph is an inline list (see _inline)
            style, rank, value, _, length = hit
            nxt = text[at + length:at + length + 1]
            if not nxt or nxt in CN_NUM or nxt.isdigit() or nxt in "、，,。":
                continue
            before = text[at - 1]
            # A responsibility bracket closes its item as a full stop would: …（调宣部牵头）2.加强…
            after_stop = before in "。；;！？!?" or (before in ")）" and bool(_UNIT_CLOSE.search(text, 0, at)))
            after_colon = before in ":："
            if style == "n" and re.search(r"[:：]\s*\(?1[.、)]", text[max(0, at - 200):at]) \
                    and not run_on:
                continue  # "…：1.…。2.…" is an inline list, not a glued sibling
            continuing = style in last and last[style] + 1 == value
            # 1.–16. numbered straight through the chapters: a number goes on after a heading.
            running = style == "n" and value > 1 and seen.get("n", 0) + 1 == value
            opening = (value == 1 and style not in last) or running
            heading_run = (opening and seg_start is not None and seg_rank is not None and rank > seg_rank
                           and at - seg_start <= 40 and not _HEAD_STOP.search(text[seg_start:at]))
            if style == "dash":
                # ——加强党的领导。…——聚焦主责主业。: bullets after their heading, or going on
                # after a full stop once a run-on paragraph has begun them.
                dash_head = (seg_start is not None and seg_rank is not None and rank > seg_rank
                             and at - seg_start <= 40 and not _HEAD_STOP.search(text[seg_start:at])
                             and "。——" in text[at:])  # a list of bullets, not a dash of apposition
                if not (dash_head or (run_on and before == "。" and "dash" in last)):
                    continue
            elif continuing and (after_stop or style != "n" and (after_colon or run_on)):
                pass
            elif opening and style in ("cn", "pcn") and (after_stop or after_colon):
                pass
            elif opening and style in ("n", "shi") and after_stop and run_on:
                pass
            elif style == "shi" and continuing and before == "。":
                pass
            elif heading_run:
                pass
            else:
                continue
            cuts.append(at)
            last[style] = value
            seen[style] = value
            for deeper in [k for k, (_, r, _) in _STYLE_RANK.items() if r > rank]:
                last.pop(deeper, None)
            seg_start, seg_rank = at, rank
        if not cuts:
            return [para]
        pieces, prev = [], 0
        for c in cuts:
            pieces.append(para.slice(prev, c))
            prev = c
        pieces.append(para.slice(prev, len(text)))
        return pieces

    def _add_one(self, para: Line) -> None:
        hit = match_marker(para.text)
        if hit is None:
            self._add_plain(para)
            return
        style, rank, value, marker, length = hit
        if style == "n" and self.open_sentence and len(self.stack) > 1:
            if value not in (1, self.last_n + 1):
                # A document site's page number where a page broke a sentence ("…加强科普
                # / 2、基础设施建设…"): the sentence goes on, the number is furniture.
                rest = para.slice(length, len(para.text))
                top = self.stack[-1]
                top.own.append(rest)
                top.has_text = True
                top.unit_text += rest.text
                top.span[1] = max(top.span[1], rest.orig_span()[1])
                return
        if style == "n":
            self.last_n = value
        node = Node(style, rank, value, marker)
        node.intro = self.last_plain
        self.last_plain = ""
        self._fill(node, para, length)
        self._push(node)
        if marker == "(?)":  # an unreadable number takes its place in the list
            before = [c for c in node.parent.children[:-1] if c.style == style]
            node.value = (before[-1].value if before else 0) + 1
            node.marker = f"({node.value})"
        self._inline(node, para, length)

    def _add_plain(self, para: Line) -> None:
        parent_head = self.stack[-1].heading_ancestor() if len(self.stack) > 1 else None
        m = _FIRST_SENTENCE.match(para.text)
        if m and not _is_topic(m[1], para.text[m.end():], self.stack[-1].title):
            m = None
        if parent_head is not None and parent_head is not self.root and m:
            node = Node("topic", PARA_RANK, 0, "")
            node.intro = self.last_plain
            self.last_plain = ""
            self._fill(node, para, 0)
            self._push(node)
            self._inline(node, para, 0)
            return
        top = self.stack[-1]
        self.last_plain = para.text
        if top is self.root:
            # Preface before the first item is nobody's text, but a list in it is the
            # document's own: 一年来开展的主要工作有：1、…；2、…
            starts = _inline_numbers(para.text, 0)
            if starts and not self.root.children:
                for i, (pos, _, _, _) in enumerate(starts):
                    end = starts[i + 1][0] if i + 1 < len(starts) else len(para.text)
                    self._add_one(para.slice(pos, end))
            return
        label = _LABEL.match(para.text)
        if label:
            # 基本原则： — the items listed next are principles, whatever their parent is.
            top.label = keyword_kind(label[1]) or ""
        top.own.append(para)
        top.has_text = True
        top.unit_text += "\n" + para.text
        top.span[1] = max(top.span[1], para.orig_span()[1])
        # The item's list may come in this paragraph: "1.加强…。" then "具体包括：(1)…；(2)…".
        if not any(c.inline for c in top.children) and top.style != "row":
            self._inline(top, para, 0)

    def _fill(self, node: Node, para: Line, mlen: int) -> None:
        rest = para.text[mlen:]
        lead = len(rest) - len(rest.lstrip(" "))
        title_end, text_start = cut_title(rest[lead:])
        node.title = _REMARK.sub("", strip_unit_bracket(rest[lead:lead + title_end].strip().rstrip("。；;：:，, ")))
        body = rest[lead + text_start:]
        node.has_text = bool(body.strip(" 。；;：:"))
        node.body_at = mlen + lead + text_start
        node.head = para.slice(mlen, node.body_at)
        node.own = [para.slice(node.body_at, len(para.text))]
        node.unit_text = para.text
        node.span = para.orig_span()

    def _push(self, node: Node) -> None:
        while len(self.stack) > 1 and self.stack[-1].rank >= node.rank:
            self.stack.pop()
        parent = self.stack[-1]
        node.parent = parent
        if parent.label:
            node.label_kind = parent.label
        parent.children.append(node)
        self.stack.append(node)

    # -- inline enumerations ---------------------------------------------------------------
    def _inline(self, node: Node, para: Line, mlen: int) -> None:
        """Children written inside the paragraph: '具体包括：1探索…；(2)加快…' or '一是…。二是…'."""
        text = para.text
        starts = _inline_numbers(text, mlen) or _inline_shi(text, mlen) or _inline_circles(text, mlen)
        if not starts:
            return
        children: list[Node] = []
        for i, (pos, mend, value, marker) in enumerate(starts):
            if i + 1 < len(starts):
                end = starts[i + 1][0]
                while end > mend and text[end - 1] in "；;。，, ":
                    end -= 1
                end += 1 if text[end:end + 1] in "；;。" else 0
            else:
                stop = text.find("。", mend)
                end = len(text) if stop < 0 else stop + 1
            piece = para.slice(pos, end)
            body = text[mend:end]
            m = re.search(r"[；;。]", body)
            title = body[:m.start()] if m else body
            title = strip_unit_bracket(title.rstrip("；;。，, "))
            child = Node("inline", PARA_RANK + 1, value, marker, title=title[:40], inline=True)
            cut = mend + (m.end() if m else len(body))
            child.head = para.slice(mend, cut)
            child.own = [para.slice(cut, end)]
            child.unit_text = body
            child.span = piece.orig_span()
            child.parent = node
            children.append(child)
        # The parent's own text loses the children's pieces (the paragraph is its last piece).
        first, last_end = starts[0][0], end
        start_at = node.body_at if node.own and node.own[-1].offs[:1] == para.offs[node.body_at:node.body_at + 1] else 0
        node.own[-1:] = [para.slice(start_at, max(first, start_at)), para.slice(last_end, len(text))]
        node.children.extend(children)
        # A bracket only the last child carries belongs to the whole paragraph (it follows the
        # list); when several children carry one, each keeps its own.
        with_bracket = [c for c in children if re.search(r"[(（][^()（）]*(?:牵头|负责|配合)[^()（）]*[)）]", c.unit_text)]
        if len(with_bracket) <= 1:
            for c in with_bracket:
                c.unit_text = ""
        else:
            node.unit_text = node.unit_text.replace(text[first:last_end], "")


def _cells(para: Line) -> list[Line]:
    cells, start = [], 0
    text = para.text
    for i, ch in enumerate(text + "\t"):
        if ch == "\t":
            cells.append(para.slice(start, i).strip())
            start = i + 1
    return cells


def _header_columns(texts: list[str]) -> dict[str, int] | None:
    """Column roles of a header row, or None when the row is not a header: the task tables'
    header words (:func:`kexie.docparse.tables.task_columns`), any second column accepted."""
    from kexie.docparse.tables import task_columns  # tables builds on this module

    return task_columns(texts, loose=True)


def _inline_numbers(text: str, mlen: int) -> list[tuple[int, int, int, str]]:
    """Positions of an inline 1…2…3 enumeration (brackets optional, since scraping loses them)."""
    rx = re.compile(r"(?:\(\s*(\d{1,2})\s*\)|\(?(\d{1,2})\)?)[、.．]?")
    found: list[tuple[int, int, int, str]] = []
    pos = mlen
    expect = 1
    while True:
        best = None
        for m in re.finditer(r"(?:(?<=[:：；;。])|(?<=具体包括)|(?<=包括))\s*(?=\(?\d)", text[pos:]):
            at = pos + m.end()
            mm = rx.match(text, at)
            if not mm:
                continue
            v = int(mm[1] or mm[2])
            nxt = text[mm.end():mm.end() + 1]
            if v != expect or not nxt or nxt in _NOT_AFTER_INLINE_NUM or nxt.isdigit():
                continue
            if expect > 1 and text[at - 1:at] in ":：" and not found:
                continue
            if expect == 1:
                prev = text[max(mlen, at - 8):at]
                if not (prev.endswith((":", "：")) or _INLINE_TRIGGER.search(prev) or prev.endswith("。")):
                    continue
            elif text[at - 1:at] not in "；;。":
                continue
            best = (at, mm.end(), v, f"({v})")
            break
        if best is None:
            break
        found.append(best)
        pos = best[1]
        expect += 1
    return found if len(found) >= 2 else []


def _inline_shi(text: str, mlen: int) -> list[tuple[int, int, int, str]]:
    """Positions of an inline 一是…二是… enumeration inside one paragraph. The first needs a
    punctuation mark before it; a later one continues the list even where a copy lost the mark
    before it ("…学术带头人二是重视…")."""
    found: list[tuple[int, int, int, str]] = []
    pos = mlen
    expect = 1
    while expect <= 10:
        word = CN_NUM[expect - 1] + "是"
        before = r"(?<=[。；;：:，,])\s*" if expect == 1 else r"(?:(?<=[。；;：:，,])\s*|(?<=[\u4e00-\u9fff”》)])(?<![一二三四五六七八九十第]))"
        m = re.compile(before + word + r"(?![否的])").search(text, pos)
        if not m:
            break
        at = m.end() - len(word)
        found.append((at, m.end(), expect, word))
        pos = m.end()
        expect += 1
    return found if len(found) >= 2 else []


def _inline_circles(text: str, mlen: int) -> list[tuple[int, int, int, str]]:
    found: list[tuple[int, int, int, str]] = []
    pos = mlen
    for value in range(1, 21):
        ch = chr(ord("①") + value - 1)
        at = text.find(ch, pos)
        if at < 0:
            break
        found.append((at, at + 1, value, ch))
        pos = at + 1
    return found if len(found) >= 2 else []


# Headings that state facts of an activity or a call (名称、主题、时间、对象、条件…): context,
# except a time heading that sets a deadline (申报时间：…7月21日前), which is a request.
INFO_HEAD = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:名称|宗旨|主题|时间|时间安排|日期|地点|对象|条件|目的|意义|"
                       r"目的意义|背景|范围|依据|简介|概况|说明|(?:作品|参赛|申报|报名|选题|项目|材料|格式)要求)(?:(?:及|和|与|、)[\u4e00-\u9fff]{0,4}?"
                       r"(?:名称|宗旨|主题|时间|地点|对象|条件|目的|意义|范围))*$")
DEADLINE_WORDS = re.compile(r"[日月]前|[日月]底前|之前|以前|前(?:完成|报送|提交|上报|报)|截止|截至|逾期|为止")
# Combined headings: 指导思想、基本原则和主要目标 stands for 总体要求 (context); 总体目标与基本原则 is
# a goal.
_COMBINED_CONTEXT = re.compile(r"指导思想|总体要求|总体思路")
_GOAL_WORD = re.compile(r"目标")


def keyword_kind(title: str) -> str | None:
    """The kind a heading's own words give it (主要目标 → goal…), or None."""
    bare = re.sub(r"[\s“”\"，,、：:。]", "", title)
    if len(bare) > 16:
        return None
    if len(bare) > 8 and re.search(r"[和与及、]", title):
        if _COMBINED_CONTEXT.search(bare):
            return "context"
        if _GOAL_WORD.search(bare):
            return "goal"
    if len(bare) > 12:
        return None
    for kind, rx in KIND_WORDS:
        if rx.search(bare):
            return kind
    if bare.endswith("目标"):
        return "goal"
    if INFO_HEAD.match(bare):
        return "info"
    return None


def drop_before_restart(root: Node) -> None:
    """When the top-level numbering starts again at 一、 after other top-level items (a form's
    own headings and instructions above the document pasted into it), the document is what
    follows the restart."""
    kids = root.children
    restart = None
    for i, node in enumerate(kids):
        if i and node.style == "cn" and node.value == 1 and any(k.style == "cn" for k in kids[:i]):
            restart = i
    if restart is not None:
        del kids[:restart]


def assign_kinds(root: Node, *, genre: str) -> None:
    """Mechanical kinds: heading words first, then the parent's context/goal/safeguard, then
    section (children and no text of its own) or task. In a summary or a report, a run of
    items not introduced as future work (下一步, 今后, 将…) describes past work: context; a
    part whose heading announces future work (2025年工作计划) is read as a plan."""
    from kexie.docparse.genre import FUTURE_HEAD, MIXED, PAST_HEAD, PLAN, SUMMARY

    def visit(node: Node, parent_kind: str, past: bool) -> None:
        kw = keyword_kind(node.title) if not node.inline else None
        if kw == "info":
            deadline = DEADLINE_WORDS.search(node.own_text()) and re.search(r"\d", node.own_text())
            kw = "task" if deadline and genre != SUMMARY and not past else "context"
        kw = kw or node.label_kind
        if kw:
            node.kind = kw
        elif parent_kind in ("context", "goal", "safeguard"):
            node.kind = parent_kind
        elif past:
            node.kind = "context"
        elif node.children and not node.has_text and not node.inline and node.style != "topic":
            node.kind = "section"
        else:
            node.kind = "task"
        for child in node.children:
            visit(child, node.kind, past and node.kind == "context")

    run_past = False
    for child in root.children:
        if genre == PLAN or genre not in (SUMMARY, MIXED):
            visit(child, "", False)
            continue
        if FUTURE_HEAD.search(child.title) and len(child.title) <= 20:
            run_past = False
        elif genre == MIXED and PAST_HEAD.search(child.title):
            run_past = True
        elif child.value in (0, 1):
            run_past = not FUTURE.search(child.intro)
        visit(child, "", run_past)
    _cut_off_heading(root)


def _cut_off_heading(root: Node) -> None:
    """The document's last item, a heading with nothing after it where the headings before it
    had children, is a heading the copy cut off before its text (三、运行与): it only groups
    what is missing."""
    node = root
    while node.children:
        node = node.children[-1]
    siblings = node.parent.children if node.parent is not None else []
    before = siblings[-2] if len(siblings) >= 2 else None
    if node is not root and node.rank <= 3 and not node.has_text and not node.inline \
            and node.kind == "task" and before is not None and before.children:
        node.kind = "section"
