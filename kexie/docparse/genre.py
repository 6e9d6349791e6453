"""The document's genre, which decides what its items are.

- ``plan``: 方案、要点、规划… — headings are work to do.
- ``notice``: a notice that is itself the document (关于开展…的通知, 征集, 申报) — its requests
  (请各单位于…前报送) are tasks, its facts (时间, 主题, 对象, 条件) are context.
- ``summary``: 总结、汇报、讲话、经验做法 — past work, read and not tracked, except a part that
  announces future work (下一步, 明年工作计划).
- ``mixed``: a summary and a plan in one (2024年度总结和2025年度工作计划): each top-level part
  decides for itself.

The title says it when there is one; otherwise the language of the body does: requests and
future tense (请, 要, 须, 将, 确保, 报送) against completed work (了, 已, 取得, 累计).
"""

from __future__ import annotations

import re

PLAN = "plan"
NOTICE = "notice"
SUMMARY = "summary"
MIXED = "mixed"

_QUOTED = re.compile(r"《[^》]*》|“[^”]*”")
SUMMARY_WORDS = re.compile(r"总结|汇报|讲话|发言|经验做法|经验材料|述职|工作报告|情况报告|工作回顾|年鉴")
PLAN_WORDS = re.compile(r"方案|要点|规划|计划|意见|任务|纲要|安排|办法|细则|措施|清单|台账|思路|打算|"
                        r"重点工作|工作重点|行动|工程|举措|指南|部署")
# A news headline reports an event (召开、举行、出席…), whatever work it mentions.
NEWS_WORDS = re.compile(r"召开|举行|出席|调研|走访|座谈|揭牌|开幕|闭幕|隆重|顺利|圆满|获评|荣获|喜获")
NOTICE_WORDS = re.compile(r"通知|公告|启事|征集|申报指南|邀请函|倡议书|报名")

# Body language: what a notice asks, what a summary reports.
_REQUEST = re.compile(r"请[各于在将按把填登提报参]|须|务必|应当|报送|提交|申报|报名|截止|逾期|不予受理")
_FUTURE = re.compile(r"要|将|确保|力争|推动|加强|推进|健全|完善")
_PAST = re.compile(r"了|已经|已|取得|累计|共计|先后|圆满|顺利完成|成功举办")

# A heading that announces future work inside a summary, or past work inside a plan.
FUTURE_HEAD = re.compile(r"计划|打算|下一步|今后|明年|思路|重点工作|工作安排|工作设想|展望")
PAST_HEAD = re.compile(r"总结|回顾|成效|成绩|情况|做法|经验|完成")


def by_title(title: str | None) -> str | None:
    """The genre the title names, or None when it names none (a headline, no title)."""
    if not title:
        return None
    bare = _QUOTED.sub("", title)
    summary, plan = SUMMARY_WORDS.search(bare), PLAN_WORDS.search(bare)
    if NEWS_WORDS.search(bare) and not NOTICE_WORDS.search(bare):
        return None
    if summary and plan:
        return MIXED
    if summary:
        return SUMMARY
    if NOTICE_WORDS.search(bare) and not re.search(r"关于(?:印发|转发|下发)", bare):
        return NOTICE
    if plan or NOTICE_WORDS.search(bare):
        return PLAN
    return None


def by_language(body: str) -> str:
    """The genre the body's language shows: requests make a notice, completed work a summary."""
    requests = len(_REQUEST.findall(body))
    past = len(_PAST.findall(body))
    future = len(_FUTURE.findall(body))
    if requests >= 2 and requests * 3 >= past:
        return NOTICE
    if past > 2 * (future + requests):
        return SUMMARY
    return PLAN


def decide(title: str | None, body: str) -> str:
    """The genre: from the title when it names one; a headline (a title naming no document
    genre, as over a news report) reads as a report of past work; no title, from the body."""
    named = by_title(title)
    if named:
        return named
    return SUMMARY if title else by_language(body)
