"""Document metadata: title, issuer, document number, issue date, period, and where the
document's own body starts and ends inside the surrounding notice and web-page chrome."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kexie.docparse.normalise import MARKER_START, Line

# Words that name a plan document (the genre this parser reads).
PLAN_WORD = re.compile(r"方案|要点|规划|计划|意见|任务|纲要|安排|办法|细则|措施|清单|台账")
NOTICE_TITLE = re.compile(r"^(?P<org>.*?)关于(?:印发|转发|下发|公布|发布)[《<]?(?P<inner>.+?)[》>]?的(?:通知|函|决定)$")
# A notice or decision can itself be the document (关于开展…活动的通知).
TITLE_WORD = re.compile(PLAN_WORD.pattern + r"|通知|决定|举措|实施意见")
ORG_SUFFIX = (r"(?:科学技术协会|科协|党组|党委|学会|协会|研究会|委员会|办公厅|办公室|人民政府|政府|"
              r"领导小组|部|厅|局|中心|处|科|院|会)")
ORG_LINE = re.compile(r"^[\u4e00-\u9fff()（）]{2,30}" + ORG_SUFFIX + r"$")
# Fallback: a title that opens with a body whose name ends unmistakably (某市科协事业发展规划).
TITLE_ORG_STRONG = re.compile(r"^(?P<org>[^\s《》“”\"，,。:：()（）\d]{1,20}?(?:科学技术协会|科协|学会|协会|研究会|人民政府))")
TITLE_ORG = re.compile(r"^(?P<org>[^\s《》“”\"，,。:：()（）\d]{2,25}?" + ORG_SUFFIX + r")(?=\d{4}年|关于|“|《)")
DOC_NUMBER = re.compile(r"^(?P<num>[\u4e00-\u9fff]{1,14}\s*[〔\[(【]\s*\d{4}\s*[〕\])】]\s*\d{1,4}\s*号)(?:\s|$)")
DATE_LINE = re.compile(r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日(?:印发|发布|印)?$")
# A date line whose 年/月 glyphs were lost in extraction (e.g. "201842日印发" for 2018年4月2日).
GARBLED_DATE = re.compile(r"^(?P<digits>(?:19|20)\d{4,6})日?(?:印发)?$")
CN_DATE_LINE = re.compile(r"^(?P<y>[〇零一二三四五六七八九○Ｏ]{4})年(?P<m>[一二三四五六七八九十]{1,3})月"
                          r"(?P<d>[一二三四五六七八九十]{1,3})日(?:印发)?$")
# Where the document itself ends: distribution lines and web-page furniture.
END_LINE = re.compile(
    r"^(?:抄送|抄报|主题词|联系我们|版权所有|版权声明|Copyright|©|原文链接|相关链接|相关阅读|相关新闻|"
    r"关闭窗口|打印本页|【打印|本篇文章共有|来源[:：]|相关文章|热门文章|推荐阅读|延伸阅读|猜你喜欢|责任编辑|编辑[:：]|上一篇|下一篇|分享到|扫一扫|"
    r"网站地图|友情链接|主办单位|主办[:：]|承办[:：]|地址[:：]|邮编[:：]|传真[:：]|ICP|京ICP|技术支持|推荐资讯|热点新闻|"
    r"附件[:：\d]?)"
)
# Web-page navigation and header chrome: never a title.
CHROME = re.compile(r"首页|当前位置|您的位置|English|我要入会|联系我们|登录|注册|浏览次数|字号|分享|"
                    r">|»|›|\||来源[:：]|发布日期|发布时间|时间[:：]|点击")
_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
FIVE_YEAR = re.compile(r"十([一二三四五六七八九])五")


@dataclass
class Meta:
    """What the header and footer of a document say about it, and where its body lies."""

    title: str | None
    issuer: str | None
    doc_number: str | None
    issued_on: str | None
    period: dict | None
    body_start: int  # index of the first line of the body
    body_end: int  # index one past the last line of the body


def _small_cn(text: str) -> int:
    """一 → 1, 十二 → 12, 二十五 → 25 (enough for months and days)."""
    if "十" not in text:
        return _CN_DIGIT.get(text, 0)
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT.get(tens, 1) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def parse_date_line(text: str) -> str | None:
    """ISO date of a standalone date line (成文日期), or None."""
    m = DATE_LINE.match(text)
    if m:
        return _valid(int(m["y"]), int(m["m"]), int(m["d"]))
    m = CN_DATE_LINE.match(text)
    if m:
        year = int("".join(str(_CN_DIGIT[c]) for c in m["y"]))
        return _valid(year, _small_cn(m["m"]), _small_cn(m["d"]))
    m = GARBLED_DATE.match(text)
    if m:
        digits = m["digits"]
        y, rest = int(digits[:4]), digits[4:]
        # Prefer a one-digit month when both readings are valid: "2018111" is more often 1月11日
        # than 11月1日 in a garbled line? No way to tell: take the reading with a valid date,
        # trying a two-digit month first only when the one-digit reading is impossible.
        for cut in (1, 2):
            if cut < len(rest):
                iso = _valid(y, int(rest[:cut]), int(rest[cut:]))
                if iso:
                    return iso
    return None


def period_from(title: str | None) -> dict | None:
    """The span a plan covers, from its title: a year, a year range or a five-year plan."""
    if not title:
        return None
    m = re.search(r"(\d{4})\s*[-—–~至到]\s*(\d{4})", title)
    if m and int(m[1]) <= int(m[2]):
        return {"start": f"{m[1]}-01-01", "end": f"{m[2]}-12-31"}
    m = FIVE_YEAR.search(title)
    if m:
        n = _CN_DIGIT[m[1]] + 10  # 十四五 is the 14th five-year plan: 2021–2025
        start = 2021 + (n - 14) * 5
        return {"start": f"{start}-01-01", "end": f"{start + 4}-12-31"}
    # "2024年工作总结和2025年工作计划": the year of the plan, not of the summary.
    m = re.search(r"(\d{4})\s*年度?[^\d，,]{0,8}?(?:计划|打算|要点|安排|方案|思路)", title) \
        or re.search(r"(\d{4})\s*年", title)
    if m:
        return {"start": f"{m[1]}-01-01", "end": f"{m[1]}-12-31"}
    return None


def _outside_quotes(text: str) -> str:
    return re.sub(r"《[^》]*》|“[^”]*”", "", text)


def _is_title_candidate(text: str) -> bool:
    if len(text) > 60 or len(text) < 4 or "。" in text or CHROME.search(text):
        return False
    if text[-1] in "：:；;，," or "，" in text:
        return False  # a sentence introducing what follows, not a title
    if MARKER_START.match(text) or DATE_LINE.match(text) or re.search(r"\d{4}-\d{1,2}-\d{1,2}", text):
        return False
    return bool(TITLE_WORD.search(_outside_quotes(text)))


def _clean_title(text: str) -> str:
    text = text.strip().strip("《》")
    return text


def find_meta(lines: list[Line]) -> Meta:
    """Locate title, body and the header/footer facts in normalised lines."""
    texts = [l.text for l in lines]
    # Where the structure starts: the first top-level heading (一、, 第一部分, (一)) when there
    # is one, so that numbered navigation links above the document do not count.
    top = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}(?:部分|章|篇)|\([一二三四五六七八九十]{1,3}\))")
    markers = [i for i, t in enumerate(texts) if MARKER_START.match(t)
               and not t.startswith(("附件", "抄送", "主送", "联系人", "电话", "印发"))]
    first_marker = next((i for i in markers if top.match(texts[i])), markers[0] if markers else len(texts))

    notice_inner: str | None = None
    notice_org: str | None = None
    title_idx: int | None = None
    for i, t in enumerate(texts[:first_marker]):
        m = NOTICE_TITLE.match(t)
        if m and len(t) <= 80 and "。" not in t:
            if notice_inner is None:
                notice_inner = m["inner"].strip("《》 ")
                notice_org = m["org"].strip() or None
            continue
        if _is_title_candidate(t):
            title_idx = i

    title: str | None
    if title_idx is not None:
        title = _clean_title(texts[title_idx])
        body_start = title_idx + 1
    elif notice_inner:
        title = notice_inner
        idx = next(i for i, t in enumerate(texts) if NOTICE_TITLE.match(t))
        # The plan's own title line, even when a wrap glued the preface onto it.
        bare = re.sub(r"\s", "", notice_inner)
        idx = next((i for i in range(idx + 1, first_marker) if texts[i].startswith(bare)), idx)
        body_start = idx + 1
    else:
        idx = next((i for i, t in enumerate(texts[:first_marker])
                    if len(t) >= 6 and "。" not in t and not CHROME.search(t) and t[-1] not in ":："
                    and not re.search(r"\d{4}-\d{1,2}-\d{1,2}", t)), None)
        title = _clean_title(texts[idx]) if idx is not None else None
        body_start = idx + 1 if idx is not None else 0

    body_end = len(texts)
    # Furniture such as 来源： often sits above the document too: look for the end only once
    # the structure has started.
    for i in range(max(body_start, first_marker), len(texts)):
        if END_LINE.match(texts[i]):
            body_end = i
            break
        # A signature block (issuer line, then a date line) after the body also ends it.
        if i > first_marker and ORG_LINE.match(texts[i]) and i + 1 < len(texts) \
                and parse_date_line(texts[i + 1]):
            body_end = i
            break

    issuer, issued_on = None, None
    for i, t in enumerate(texts):
        iso = parse_date_line(t)
        if iso and i > 0 and ORG_LINE.match(texts[i - 1]) and len(texts[i - 1]) <= 30:
            issuer, issued_on = texts[i - 1], iso
            break
    if issued_on is None:
        for i, t in enumerate(texts[:body_start] + texts[body_end:]):
            iso = parse_date_line(t)
            if iso:
                issued_on = iso
                break
    if issuer is None and notice_org and ORG_LINE.match(notice_org):
        issuer = notice_org
    if issuer is None and title:
        m = TITLE_ORG.match(title)
        if m is None and TITLE_WORD.search(_outside_quotes(title)):  # a plan's title, not a headline
            m = TITLE_ORG_STRONG.match(title)
        if m:
            issuer = m["org"]

    doc_number = None
    for t in texts[:max(body_start, 1)]:
        m = DOC_NUMBER.match(t)
        if m:
            doc_number = re.sub(r"\s+", "", m["num"])
            break

    period = period_from(title) or (period_from(notice_inner) if notice_inner else None)
    return Meta(title=title, issuer=issuer, doc_number=doc_number, issued_on=issued_on,
                period=period, body_start=body_start, body_end=body_end)
