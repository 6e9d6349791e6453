"""Normalisation of decoded document text, keeping a map back to the original offsets.

Every later stage works on :class:`Line` objects: a normalised string plus, for each of its
characters, the offset of the character it came from in the original decoded text. All edits
here are either one-to-one substitutions (full-width → ASCII, traditional → simplified) or
deletions (page markers, line breaks of hard wraps, spaces between Chinese characters), so the
map stays exact and a UI can highlight any item in the text the user uploaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kexie.docparse.tradsimp import simplified_map, simplified_only


@dataclass
class Line:
    """A normalised line (or joined paragraph) and the original offset of each character."""

    text: str
    offs: list[int] = field(default_factory=list)
    indented: bool = False  # the physical line began with an indent (two spaces or more)

    def slice(self, start: int, end: int) -> "Line":
        """The sub-line text[start:end] with its offsets."""
        return Line(self.text[start:end], self.offs[start:end])

    def orig_span(self, start: int = 0, end: int | None = None) -> list[int]:
        """[start, end) of text[start:end] as offsets into the original text."""
        end = len(self.text) if end is None else end
        if not self.offs or start >= end:
            at = self.offs[min(start, len(self.offs) - 1)] if self.offs else 0
            return [at, at]
        return [self.offs[start], self.offs[end - 1] + 1]

    def strip(self) -> "Line":
        """The line without leading and trailing spaces."""
        a, b = 0, len(self.text)
        while a < b and self.text[a] in " \t":
            a += 1
        while b > a and self.text[b - 1] in " \t":
            b -= 1
        return self.slice(a, b)

    def __add__(self, other: "Line") -> "Line":
        return Line(self.text + other.text, self.offs + other.offs, self.indented)


# One-to-one character substitutions. Chinese punctuation (，。；：) is kept as written: the
# parser accepts both widths where it matters, and titles are compared without punctuation.
_CHAR_MAP: dict[str, str] = {chr(0xFF10 + i): str(i) for i in range(10)}
_CHAR_MAP.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_CHAR_MAP.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_CHAR_MAP.update({
    "（": "(", "）": ")", "．": ".", "％": "%", "～": "~", "＋": "+", "－": "-", "／": "/",
    "\u3000": " ", "\xa0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
    "\u2014": "—", "\u2015": "—", "\u2500": "—",  # horizontal bar / box line used as dashes
    "\u201f": "“", "\u301d": "“", "\u301e": "”", "﹝": "〔", "﹞": "〕",
})
_DROP = {"\r", "\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\x0c"}

_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’《》—…]")

# Whole lines that are page furniture from print/PDF layouts: —1—, - 2 -, 第 3 页, 3/10, a lone 7.
PAGE_MARKER = re.compile(
    r"^(?:[-—–－~]+\s*\d{1,4}\s*[-—–－~]+|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|\d{1,3}[、.．]?|[-—–]?\s*[ivxIVX]{1,5}\s*[-—–]?)$"
)

# A line that starts with a numbering marker: never glued onto the line above it.
MARKER_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、．.]|\(\s*[一二三四五六七八九十]{1,3}\s*\)|\d{1,2}\s*[.、．](?!\d)"
    r"|\(\s*\d{1,2}\s*\)|[①-⑳]|[一二三四五六七八九十]{1,3}是|——|第[一二三四五六七八九十]{1,3}[章节部条篇，,、]"
    r"|(?:附件|抄送|主送|联系人|电话|印发)[:：\d])"
)

# A line ending in one of these closes its sentence: the next line starts a new paragraph.
_TERMINAL = set("。！？；：:;!?）)】]》”\"")


# Noise that web copies carry inside sentences, deleted before anything else reads the text:
# - pinyin a scraper put after characters: 协(xié), 科學(xué) (a tone mark tells it from a word);
# - page furniture of a PDF run into the text: 第 1 页 共 3 页, --第2页 with the running
#   header before it at a line start, —3— between two words.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
NOISE = re.compile(
    rf"(?<=[\u3400-\u9fff])[(（](?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}[)）]"
    r"|第[ \t]*\d{1,4}[ \t]*页[ \t]*[,，/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页"
    r"|(?:(?<=\n)|^)[^\n。！？]{0,40}?-{2}[ \t]*第[ \t]*\d{1,4}[ \t]*页|-{2}[ \t]*第[ \t]*\d{1,4}[ \t]*页"
    r"|(?:(?<=[\u4e00-\u9fff，。；])|(?<=\n)|^)[ \t]*[—－][ \t]*\d{1,3}[ \t]*[—－][ \t]*"
    r"(?=[\u4e00-\u9fff“《(（]|\n(?!\s*\n))"
    r"|[(（]略[)）]"
)


# Toneless pinyin (着(zhe), 的(de)) is taken for noise only in a text that has toned pinyin too.
_TONELESS = re.compile(r"(?<=[\u3400-\u9fff])[(（](?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouüv]{1,3}(?:ng|n|r)?[)）]")
_TONED_RX = re.compile(rf"[(（][a-zü{_TONED}]*[{_TONED}]")


# Two characters slipped in before a punctuation mark, as pages that defeat copying do
# ("一贼酵、", "時間模庐。").
_BEFORE_MARK = re.compile(r"[\u4e00-\u9fff]{2}(?=[、，,。：:；;])")


def _injected(text: str) -> set[int]:
    """Characters injected into a traditional-script text. Its author wrote no character that
    exists only in simplified script, so two characters before a punctuation mark of which one
    is simplified-only were put there by the page. Judged line by line: a line in traditional
    script whose every simplified-only character sits in such a place (a page may carry
    simplified chrome around the document, where they are everywhere)."""
    traditional = set(simplified_map(text))
    if len(traditional) < 30:
        return set()
    simple = simplified_only(set(text))
    if not simple:
        return set()
    gone: set[int] = set()
    at = 0
    for line in text.split("\n"):
        if any(c in traditional for c in line):
            slots = [m for m in _BEFORE_MARK.finditer(line) if simple.intersection(m.group(0))]
            in_slots = sum(1 for m in slots for c in m.group(0) if c in simple)
            if slots and in_slots == sum(1 for c in line if c in simple):
                for m in slots:
                    gone.update(range(at + m.start(), at + m.end()))
        at += len(line) + 1
    return gone


def _noise(text: str) -> set[int]:
    """Offsets of the characters NOISE deletes."""
    gone: set[int] = set()
    for m in NOISE.finditer(text):
        gone.update(range(m.start(), m.end()))
    gone |= _injected(text)
    if "(" in text or "（" in text:
        toned = _TONED_RX.findall(text)
        if len(toned) >= 2:
            for m in _TONELESS.finditer(text):
                gone.update(range(m.start(), m.end()))
    return gone


_TRANSLATE = {ord(k): v for k, v in _CHAR_MAP.items()}
_DROP_RX = re.compile("[" + "".join(sorted(_DROP)) + "]")


def map_chars(text: str) -> Line:
    """Apply the one-to-one substitutions and deletions to the whole text."""
    simplified = simplified_map(text)
    table = {**_TRANSLATE, **{ord(k): v for k, v in simplified.items()}} if simplified else _TRANSLATE
    mapped = text.translate(table)  # one character for one: offsets unchanged
    gone = _noise(text)
    gone.update(m.start() for m in _DROP_RX.finditer(text))
    if not gone:
        return Line(mapped, list(range(len(text))))
    keep = [i for i in range(len(text)) if i not in gone]
    return Line("".join(mapped[i] for i in keep), keep)


def split_lines(whole: Line) -> list[Line]:
    """Split on newlines, strip each line; empty lines come back as empty Line objects."""
    lines: list[Line] = []
    start = 0
    text = whole.text
    while True:
        nl = text.find("\n", start)
        end = len(text) if nl < 0 else nl
        raw = whole.slice(start, end)
        line = raw.strip()
        line.indented = raw.text.startswith(("  ", "\t "))
        lines.append(line)
        if nl < 0:
            break
        start = nl + 1
    return lines


def squeeze_spaces(line: Line) -> Line:
    """Drop spaces that touch a Chinese character (PDF and web layouts insert them freely)
    and collapse runs of other spaces to one; tabs (table cells) are kept."""
    text = line.text
    if " " not in text:
        return line
    keep_chars: list[str] = []
    keep_offs: list[int] = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch == " ":
            prev = keep_chars[-1] if keep_chars else ""
            j = i + 1
            while j < n and text[j] == " ":
                j += 1
            nxt = text[j] if j < n else ""
            if not prev or not nxt or prev == " " or _CJK.match(prev) or _CJK.match(nxt) or nxt == "\t":
                continue
            if prev in "(\t" or nxt in ").、":
                continue
        keep_chars.append(ch)
        keep_offs.append(line.offs[i])
    return Line("".join(keep_chars), keep_offs)


def _width(text: str) -> float:
    """Printed width in Chinese-character units: ASCII counts half."""
    return len(text) - 0.5 * len(text.encode("ascii", "ignore"))


def _wrap_width(lines: list[Line]) -> float | None:
    """The fixed line width of a hard-wrapped layout (PDF text layer), or None when the text
    is one paragraph per line. A wrapped layout shows many lines of the same, widest width
    that end in the middle of a sentence."""
    sized = [(round(_width(l.text)), l.text) for l in lines if _width(l.text) >= 12]
    if len(sized) < 4:
        return None
    counts: dict[int, int] = {}
    for w, _ in sized:
        counts[w] = counts.get(w, 0) + 1
    top = max(counts)
    best = max(counts, key=lambda w: (sum(counts.get(w + d, 0) for d in (-1, 0, 1)), w))
    full = [t for w, t in sized if abs(w - best) <= 1]
    open_ended = sum(1 for t in full if _ends_open(t))
    if best >= top - 2 and open_ended >= 3 and open_ended >= 0.5 * len(full):
        return float(best)
    return None


def _ends_open(text: str) -> bool:
    return bool(text) and text[-1] not in _TERMINAL


def join_wraps(lines: list[Line]) -> list[Line]:
    """Join hard line wraps back into paragraphs and drop empty lines.

    A line is continued by the next non-empty line when it does not close its sentence, the
    next line does not start with a numbering marker, and either the layout is hard-wrapped
    and the line is full width, or the line is body text (it contains 。 or is a long
    sentence) cut in the middle, as happens when a scraper breaks a paragraph."""
    width = _wrap_width(lines)
    # Indents mark paragraph starts when the layout keeps them (text saved from a PDF) and
    # only some lines have one: then they settle what a sentence end at the margin cannot.
    flags = [l.indented for l in lines if l.text]
    indents = width is not None and 0.1 <= sum(flags) / max(1, len(flags)) <= 0.6
    out: list[Line] = []
    pending: Line | None = None
    last = ""  # the last physical line of ``pending``: its width is what tells a wrap
    last_indent = 0.0
    for line in lines:
        if not line.text:
            continue
        if pending is not None and indents and width is not None:
            full = _width(last) + last_indent >= width - 1.5
            join = not line.indented and full and "\t" not in line.text
        else:
            join = pending is not None and _should_join(pending, last, line, width)
        if pending is not None and join:
            pending = pending + line
            last, last_indent = line.text, 0.0
            continue
        if pending is not None:
            out.append(pending)
        pending = line
        last, last_indent = line.text, (2.0 if line.indented else 0.0)
    if pending is not None:
        out.append(pending)
    return _rejoin_inline_lists(out)


def _rejoin_inline_lists(paras: list[Line]) -> list[Line]:
    """'…具体包括：' and a paragraph '(1)实施…；2建立…；3…' are one paragraph whose list a
    line break cut off: a list of paragraphs never runs on to its item 2 within one line."""
    out: list[Line] = []
    for para in paras:
        if out and out[-1].text.endswith((":", "：")) and _NEXT_NUMBER.match(para.text) \
                and int(_NEXT_NUMBER.match(para.text)[1]) == 1 \
                and re.search(r"[；;]\s*\(?2\)?[\u4e00-\u9fff“《]", para.text):
            out[-1] = out[-1] + para
        else:
            out.append(para)
    return out


_NEXT_NUMBER = re.compile(r"^\(?(\d{1,2})\)?(?=[\u4e00-\u9fff“《])")
_NEXT_SHI = re.compile(r"^([二三四五六七八九十])是")
_CN_PREV = dict(zip("二三四五六七八九十", "一二三四五六七八九"))


def _continues_inline_list(prev: str, nxt: str) -> bool:
    """True when ``nxt`` starts with item k of a list whose item k-1 sits inside ``prev``
    ('…具体包括：1探索…；(2)加快…；' then '(3)实施…'): a wrap inside an inline list."""
    m = _NEXT_NUMBER.match(nxt)
    if m and int(m[1]) == 1:
        # '…具体包括：' then '(1)实施…；2建立…': item 2 on the same line shows a list in
        # running text, where a list of paragraphs would put it on a line of its own.
        return prev.endswith((":", "：")) and bool(re.search(r"[；;]\s*\(?2\)?[\u4e00-\u9fff“《]", nxt))
    if m and int(m[1]) > 1:
        k = int(m[1]) - 1
        return bool(re.search(rf"[:：；;。]\s*\(?{k}\)?[\u4e00-\u9fff“《]", prev))
    m = _NEXT_SHI.match(nxt)
    if m:
        return bool(re.search(rf"[：:；;。，,]\s*{_CN_PREV[m[1]]}是", prev))
    return False


# A line that stands on its own: a document's title (关于…的通知, …工作要点) or a page's
# source and date line.
_STANDS_ALONE = re.compile(
    r"^(?:[^。，,；;：:]{4,60}(?:通知|方案|要点|规划|计划|意见|总结|汇报|办法|细则|纲要|决定|讲话)(?:\([^()]{1,20}\))?$"
    r"|(?:来源|发布时间|发布日期|时间)[:：])"
)


def _should_join(prev: Line, last: str, nxt: Line, width: float | None) -> bool:
    if "\t" in prev.text or "\t" in nxt.text:
        return False
    if _continues_inline_list(prev.text, nxt.text):
        return True
    if MARKER_START.match(nxt.text) or _STANDS_ALONE.match(nxt.text):
        return False
    # A full-width line of a wrapped layout continues unless it closes a sentence; a closing
    # quote or bracket at the margin is only where the wrap fell.
    if width is not None and _width(last) >= width - 1.5 and prev.text[-1] not in "。！？!?；;：:":
        return True
    if not _ends_open(prev.text):
        return False
    w = _width(prev.text)
    if MARKER_START.match(prev.text) and "。" not in prev.text:
        return False  # a heading line: it ends where the line ends
    if "。" in prev.text and w >= 20:
        return True  # body paragraph broken in mid-sentence
    return ("，" in prev.text or "," in prev.text) and w >= 30


# A numbering marker that opens a heading inside a run-on line, after a space: " 二、活动时间",
# " (一)基础服务", " 1.常态化…" (a digit or numeral right after it is a count, not a heading).
_RUN_MARKER = re.compile(
    r"(?<=[ \t])(?:(?P<cn>[一二三四五六七八九十]{1,3})、|\((?P<pcn>[一二三四五六七八九十]{1,3})\)"
    r"|(?P<n>\d{1,2})[.、．](?!\d)|(?P<shi>[一二三四五六七八九十]{1,2})是(?![否的]))\s*(?=[\u4e00-\u9fff“《]|\d{4}\s*年)"
)
_CN_VALUE = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}
# A heading followed by its body after a mere space: "一、2024年度总结 广州市…".
_SPACED_HEAD = re.compile(r"\s*([^\s。，,；;：:！？!?()（）]{4,25}) (?=[\u4e00-\u9fff“《]|[a-z][.、])")


# A one-line copy that starts with the document's title: "某市科协2025年科普工作要点 为深入…".
_TITLE_RUN = re.compile(r"^[^\s。，,；;：:]{4,60}?(?:方案|要点|规划|计划|通知|总结|意见|办法|细则|纲要|汇报|报告|讲话|安排|打算)"
                        r"(?:\([^()]{1,20}\))?(?= )")


def _run_value(text: str) -> int:
    if "十" not in text:
        return _CN_VALUE.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_VALUE.get(tens, 1) if tens else 1) * 10 + (_CN_VALUE.get(ones, 0) if ones else 0)


def split_runs(line: Line, last: dict[str, int] | None = None, min_len: int = 40) -> list[Line]:
    """Split a long line that holds a whole document (text copied from a page that lost its
    line breaks) where a heading marker follows a space. A marker counts when it continues
    its sequence (二、 after 一、) or opens one (一、, (一), 1.); a deeper level starts again at
    1 under each new higher heading. ``last`` carries the sequences from line to line."""
    text = line.text
    last = {} if last is None else last
    order = ("cn", "pcn", "n", "shi")
    head = _RUN_MARKER.match(" " + text, 1)
    if head:
        _track(last, order, head)
    if len(text) < min_len or " " not in text:
        return [_cut_spaced_head(line)]
    cuts: list[int] = []
    title = _TITLE_RUN.match(text)
    if title and not MARKER_START.match(text):
        cuts.append(title.end())
    prev_cut = cuts[-1] if cuts else 0
    for m in _RUN_MARKER.finditer(text):
        style = next(k for k in order if m[k])
        value = int(m[style]) if style == "n" else _run_value(m[style])
        if value != last.get(style, 0) + 1 and not (value == 1 and style != "cn"):
            continue
        if not text[prev_cut:m.start()].strip(" -•·*>"):
            continue  # "- 1、…": a bulleted line of page chrome, not a run-on heading
        _track(last, order, m)
        cuts.append(m.start())
        prev_cut = m.start()
    if not cuts:
        return [_cut_spaced_head(line)]
    pieces, prev = [], 0
    for c in cuts:
        if c > prev:
            pieces.append(line.slice(prev, c))
        prev = c
    pieces.append(line.slice(prev, len(text)))
    return [_cut_spaced_head(p.strip()) for p in pieces]


def _track(last: dict[str, int], order: tuple[str, ...], m: re.Match) -> None:
    style = next(k for k in order if m[k])
    last[style] = int(m[style]) if style == "n" else _run_value(m[style])
    for deeper in order[order.index(style) + 1:]:
        last.pop(deeper, None)


def _cut_spaced_head(piece: Line) -> Line:
    """'1.常态化科普服务 围绕…': the heading ends at the space, as a reader sees it; the
    space becomes a full stop (one character for one, so offsets stay exact)."""
    m = MARKER_START.match(piece.text)
    if not m:
        return piece
    h = _SPACED_HEAD.match(piece.text, m.end())
    if not h or len(piece.text) - h.end() < 6:
        return piece
    at = h.end() - 1
    return Line(piece.text[:at] + "。" + piece.text[at + 1:], piece.offs, piece.indented)


# A table of contents: "目录", dotted leaders to a page number, or a run of short numbered
# headings on one line ("1.总体要求 2.重点任务 3.…", a flattened contents page).
_CONTENTS_WORD = re.compile(r"^(?:目\s*录|contents)$", re.I)
_LEADER = re.compile(r"^.{2,60}?(?:[.…·．\-—_]\s*){3,}\s*\d{1,3}$")
_TOC_ENTRY = re.compile(r"(?:^|(?<=\s)|(?<=\d)|(?<=[\u4e00-\u9fff]))(?:\d{1,2}[.、．]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}[章节部分篇]+)(?!\d)")


def is_contents(text: str) -> bool:
    """True for a line of a table of contents."""
    if _CONTENTS_WORD.match(text) or _LEADER.match(text):
        return True
    entries = list(_TOC_ENTRY.finditer(text))
    if len(entries) < 4 or any(ch in text for ch in "。，,；;"):
        return False
    gaps = [entries[i + 1].start() - entries[i].end() for i in range(len(entries) - 1)]
    return max(gaps) <= 30 and len(text) <= 40 * len(entries)


def normalise(text: str) -> list[Line]:
    """Normalise decoded text into paragraphs with original offsets.

    Steps: one-to-one character substitutions, line split and strip, page-marker removal,
    wrap joining, space squeezing."""
    whole = map_chars(text)
    lines = [l for l in split_lines(whole)]
    lines = [l if not PAGE_MARKER.match(l.text) and not is_contents(l.text) else Line("", []) for l in lines]
    sequences: dict[str, int] = {}
    lines = [piece for l in lines for piece in split_runs(l, sequences)]
    lines = [squeeze_spaces(l) for l in lines]
    return join_wraps(lines)
