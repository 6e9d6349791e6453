"""Chinese text similarity: tokenisation, a BM25 index and plan alignment (对标).

Plain Python on numpy/scipy and jieba, no Django: ``Index(texts).search(query, k=10)``,
``align(lower_items, upper_items, k=3)`` and ``coverage(suggestions, upper_items)``.
``python -m kexie.textsim.bench --n 1000000`` measures the index; ``python -m
kexie.textsim.evaluate`` measures alignment and coverage on the labelled plans.
"""

from kexie.textsim.align import (
    DEFAULT_THRESHOLD,
    STRONG_THRESHOLD,
    Coverage,
    Match,
    Suggestion,
    align,
    coverage,
    is_strong,
    strong_threshold,
)
from kexie.textsim.index import Index
from kexie.textsim.tokenize import fold, tokenize

__all__ = [
    "DEFAULT_THRESHOLD",
    "STRONG_THRESHOLD",
    "Coverage",
    "Index",
    "Match",
    "Suggestion",
    "align",
    "coverage",
    "fold",
    "is_strong",
    "strong_threshold",
    "tokenize",
]
