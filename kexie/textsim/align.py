"""Alignment of a lower-level plan to an upper-level plan (对标) and the coverage report.

Items are ``kexie.plan/1`` dicts (``key``, ``kind``, ``title``, ``text``); keys are dotted
paths ("2.7.4"), so the hierarchy is read from them. For every lower item the best upper items
are suggested with a score in [0, 1]; a person accepts or changes them.

The score is a weighted mix of TF-IDF cosines (see :data:`WEIGHTS`):

* ``own``: the item's title (counted twice: in a plan the title is the summary) and text,
  against the upper item's — the main signal;
* ``context``: the lower item's parent heading and text against the upper item's parent
  heading and text — a weak signal that keeps a task under "科普" near upper tasks under
  "科普" when its own words are vague;
* ``inherit``: the lower item against the upper item's parent — upper plans often list
  sub-tasks as one-line headlines ("培育若干具有世界影响的品牌主场学术会议") whose theme is
  stated only in the parent's paragraph.

The mix is multiplied by a small penalty for matching at a different relative depth (a
lower leaf task against an upper leaf task is likelier than against a chapter heading).
The reported score is the square root of that mix. Idf is computed over both plans together, so words common to the whole genre (科协, 科技)
count for little.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from kexie.textsim.index import Index
from kexie.textsim.tokenize import tokenize

__all__ = [
    "DEFAULT_THRESHOLD",
    "STRONG_THRESHOLD",
    "Coverage",
    "Match",
    "Suggestion",
    "WEIGHTS",
    "align",
    "coverage",
    "is_strong",
    "strong_threshold",
]

WEIGHTS = {"own": 0.7, "context": 0.1, "inherit": 0.2}
# A relative-depth difference of 1 (leaf vs top) costs this share of the score.
DEPTH_PENALTY = 0.15

# Below this score a suggestion is not taken as a counterpart in the coverage report; chosen on
# the seed plans (docs/alignment.md): unrelated pairs stay under it, clear pairs are above.
DEFAULT_THRESHOLD = 0.28

# A first suggestion at or above this score is a strong one: it counts as a counterpart in the
# coverage report before anybody confirms it, and "accept all strong suggestions" takes it.
# Calibrated on the seeds' labelled first suggestions (python -m kexie.textsim.evaluate): the
# lowest score from which at least 90 % of them were right. Between DEFAULT_THRESHOLD and this
# line a suggestion is weak: the upper task is only "partly answered, to be confirmed".
STRONG_THRESHOLD = 0.32

# Kinds that can be matched to each other: tasks with tasks (a section is a group of tasks),
# principles and goals with their like, safeguards with safeguards.
_FAMILY = {"task": "task", "section": "task", "goal": "context", "context": "context", "safeguard": "safeguard"}
TASK_KINDS = frozenset({"task", "section"})


@dataclass(frozen=True)
class Match:
    """One suggested upper item for a lower item, with its similarity in [0, 1]."""

    upper_key: str
    score: float
    upper_title: str = ""


@dataclass(frozen=True)
class Suggestion:
    """The suggestions for one lower item, best first (possibly empty).

    ``decided``: a person has settled the item; ``matches`` are then the counterparts they chose
    (none: the item has no counterpart), which count whatever their score.
    """

    lower_key: str
    lower_title: str
    lower_kind: str
    matches: tuple[Match, ...] = field(default_factory=tuple)
    decided: bool = False

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None


@dataclass(frozen=True)
class Coverage:
    """The coverage report ("任务不少"), lists of keys in plan order.

    Every upper task (and section) is in one of three lists: ``covered_upper`` (a decision or a
    strong suggestion answers it), ``partial_upper`` (only weak suggestions do: to be confirmed)
    and ``uncovered_upper`` (nothing does). ``confirmed_upper`` is the part of ``covered_upper``
    answered by decisions. ``unaligned_lower``: lower tasks that answer no upper task.
    """

    uncovered_upper: list[str]
    unaligned_lower: list[str]
    threshold: float
    strong: float = STRONG_THRESHOLD
    covered_upper: list[str] = field(default_factory=list)
    partial_upper: list[str] = field(default_factory=list)
    confirmed_upper: list[str] = field(default_factory=list)


def _parent_key(key: str) -> str | None:
    return key.rsplit(".", 1)[0] if "." in key else None


def _depth(key: str) -> int:
    return key.count(".") + 1


def _prepared(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items with their own text, their parent's text and their relative depth in the plan."""
    by_key = {it["key"]: it for it in items}
    max_depth = max((_depth(it["key"]) for it in items), default=1)
    out = []
    for it in items:
        title = it.get("title") or ""
        text = it.get("text") or ""
        parent = by_key.get(_parent_key(it["key"]) or "")
        ctx = f"{parent.get('title') or ''} {parent.get('text') or ''}" if parent else ""
        out.append(
            {
                "key": it["key"],
                "kind": it.get("kind") or "task",
                "title": title,
                "own": f"{title} {title} {text}",
                "ctx": ctx,
                "rel_depth": (_depth(it["key"]) - 1) / max(max_depth - 1, 1),
            }
        )
    return out


def align(
    lower_items: list[dict[str, Any]],
    upper_items: list[dict[str, Any]],
    k: int = 3,
    *,
    min_score: float = 0.0,
) -> list[Suggestion]:
    """For each lower item, the ``k`` upper items of a compatible kind that match it best.

    Returns one :class:`Suggestion` per lower item, in the lower plan's order; matches with a
    score not above ``min_score`` are left out. Deterministic: ties go to the earlier upper item.
    """
    lower, upper = _prepared(lower_items), _prepared(upper_items)
    if not lower:
        return []
    if not upper:
        return [Suggestion(lo["key"], lo["title"], lo["kind"]) for lo in lower]
    corpus = [x["own"] for x in lower + upper] + [x["ctx"] for x in lower + upper if x["ctx"]]
    # Every text is tokenised once, though the index and the four projections all need it.
    cache: dict[str, list[str]] = {}

    def tokens(text: str) -> list[str]:
        if text not in cache:
            cache[text] = tokenize(text)
        return cache[text]

    index = Index(corpus, tokenizer=tokens)
    l_own, l_ctx = index.tfidf([x["own"] for x in lower]), index.tfidf([x["ctx"] for x in lower])
    u_own, u_ctx = index.tfidf([x["own"] for x in upper]), index.tfidf([x["ctx"] for x in upper])
    own = (l_own @ u_own.T).toarray()
    ctx = (l_ctx @ u_ctx.T).toarray()
    inherit = (l_own @ u_ctx.T).toarray()
    score = WEIGHTS["own"] * own + WEIGHTS["context"] * ctx + WEIGHTS["inherit"] * inherit
    l_depth = np.array([x["rel_depth"] for x in lower])[:, None]
    u_depth = np.array([x["rel_depth"] for x in upper])[None, :]
    score *= 1 - DEPTH_PENALTY * np.abs(l_depth - u_depth)
    family_l = np.array([_FAMILY.get(x["kind"], x["kind"]) for x in lower], dtype=object)[:, None]
    family_u = np.array([_FAMILY.get(x["kind"], x["kind"]) for x in upper], dtype=object)[None, :]
    score[family_l != family_u] = 0.0
    # Cosines between two different paragraphs of the same genre are small (0.02–0.25); the
    # square root spreads them over the scale a person reads (0.15–0.5) without changing the
    # order, so a threshold like 0.3 means something.
    score = np.sqrt(np.clip(score, 0.0, 1.0))

    out = []
    for i, lo in enumerate(lower):
        row = score[i]
        order = np.lexsort((np.arange(row.size), -row))
        matches = tuple(
            Match(upper[j]["key"], round(float(row[j]), 4), upper[j]["title"])
            for j in order[:k]
            if row[j] > min_score
        )
        out.append(Suggestion(lo["key"], lo["title"], lo["kind"], matches))
    return out


def _with_ancestors(key: str | None):
    while key is not None:
        yield key
        key = _parent_key(key)


def strong_threshold(threshold: float = DEFAULT_THRESHOLD) -> float:
    """The strong line for an alignment whose base threshold is ``threshold``: never below it."""
    return max(STRONG_THRESHOLD, threshold)


def is_strong(suggestion: Suggestion, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Whether an undecided task's first suggestion is strong (counts as covering, and is taken by
    "accept all strong suggestions"). Only tasks and sections: the line was calibrated on them."""
    best = suggestion.best
    return (not suggestion.decided and suggestion.lower_kind in TASK_KINDS and best is not None
            and best.score >= strong_threshold(threshold))


def coverage(
    suggestions: list[Suggestion],
    upper_items: list[dict[str, Any]],
    threshold: float = DEFAULT_THRESHOLD,
    strong: float = STRONG_THRESHOLD,
) -> Coverage:
    """Which upper tasks the lower items answer: covered, partly (to be confirmed) or not at all.

    * A decided item covers the counterparts it was given, whatever their score.
    * An undecided item counts through its *first* suggestion, which is what accepting it takes:
      at or above ``strong`` it covers, between ``threshold`` and ``strong`` it is weak and the
      upper task is partial. Its other suggestions only make an upper task partial, and only
      when they reach ``strong``: the second and third suggestions are alternatives for a
      person to look at, and weak ones among them are mostly shared words of the genre.

    A match on an upper sub-task also counts for its parent tasks (answering "打造世界一流期刊"
    answers part of "改革学会治理"); a match on a parent does not count for its sub-tasks. A lower
    section counts as aligned when any task inside it is (its own heading is short); a lower item
    is aligned by a decision or a first suggestion at or above ``threshold``.
    """
    strong = max(strong, threshold)
    confirmed: set[str] = set()
    covered: set[str] = set()
    partial: set[str] = set()
    aligned: set[str] = set()
    for s in suggestions:
        if s.decided:
            hits, weak = list(s.matches), []
        elif s.best is None:
            hits, weak = [], []
        else:
            first, rest = s.matches[0], s.matches[1:]
            hits = [first] if first.score >= strong else []
            weak = [first] if threshold <= first.score < strong else []
            weak += [m for m in rest if m.score >= strong]
        if s.matches if s.decided else (s.best is not None and s.best.score >= threshold):
            aligned.update(_with_ancestors(s.lower_key))
        for m in hits:
            covered.update(_with_ancestors(m.upper_key))
            if s.decided:
                confirmed.update(_with_ancestors(m.upper_key))
        for m in weak:
            partial.update(_with_ancestors(m.upper_key))
    tasks = [it["key"] for it in upper_items if (it.get("kind") or "task") in TASK_KINDS]
    unaligned = [s.lower_key for s in suggestions if s.lower_kind in TASK_KINDS and s.lower_key not in aligned]
    return Coverage(
        uncovered_upper=[k for k in tasks if k not in covered and k not in partial],
        unaligned_lower=unaligned,
        threshold=threshold,
        strong=strong,
        covered_upper=[k for k in tasks if k in covered],
        partial_upper=[k for k in tasks if k in partial and k not in covered],
        confirmed_upper=[k for k in tasks if k in confirmed],
    )
