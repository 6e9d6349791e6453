"""Chinese text similarity: tokenisation, a BM25 index and plan alignment (对标).

Plain Python on numpy/scipy and jieba, no Django: ``Index(texts).search(query, k=10)``,
``align(lower_items, upper_items, k=3)`` and ``coverage(suggestions, upper_items)``.
``python -m kexie.textsim.bench --n 1000000`` measures the index.
"""

from kexie.textsim.align import DEFAULT_THRESHOLD, Coverage, Match, Suggestion, align, coverage
from kexie.textsim.index import Index
from kexie.textsim.tokenize import fold, tokenize

__all__ = [
    "DEFAULT_THRESHOLD",
    "Coverage",
    "Index",
    "Match",
    "Suggestion",
    "align",
    "coverage",
    "fold",
    "tokenize",
]
