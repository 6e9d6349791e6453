"""Tokenisation of Chinese policy text for similarity search.

A text becomes a bag of features: the words jieba finds (minus a short list of the genre's
empty words) plus character bigrams over every run of Chinese characters. Words carry the
meaning; bigrams catch the partial overlaps that segmentation misses (科普人才 / 科普工作者,
一流期刊 / 世界一流期刊) and make the result robust to jieba's occasional odd cut.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings

from kexie.docparse.tradsimp import to_simplified

__all__ = ["STOP_WORDS", "fold", "fold_name", "tokenize", "words"]

# Words that appear in nearly every sentence of a Chinese work plan and so say nothing about
# which task a sentence is about: verbs of effort (加强、推进、深化), intensifiers (进一步、大力、
# 切实), and function words. Kept deliberately short: nouns of the field (科协, 学会, 科普,
# 机制, 体系) stay, because inverse document frequency already discounts the common ones and
# they do separate tasks (学会 vs 科普 vs 智库).
STOP_WORDS: frozenset[str] = frozenset(
    """
    加强 推进 推动 进一步 工作 深化 深入 开展 实施 提升 提高 强化 健全 完善 加快 加大 积极 不断
    持续 全面 大力 着力 切实 认真 努力 坚持 围绕 聚焦 贯彻 落实 贯彻落实 有效 更加 更好 各级 有关
    相关 重点 主要 具体 包括 具体包括 方面 做好 抓好 进行 形成 发挥 作用 充分 力度 水平 能力
    以及 及其 等等 通过 按照 根据 结合 注重 为主 之一 若干 一批 一系列 工作者 牵头
    的 地 得 和 与 及 或 在 为 对 于 以 把 将 被 由 从 向 是 了 着 要 等 中 之 其 并 且 而 也 又 还
    个 项 各 每 这 那 该 此 其中 我们 我省 我国 全省 全国 年度 年 月 日
    """.split()
)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
_KEEP = re.compile(f"[{_CJK}a-z0-9]")

_jieba = None
_jieba_lock = threading.Lock()


def _tokenizer():
    """The jieba tokenizer, built on first use.

    Importing jieba costs nothing, but building its prefix dictionary takes about a second, so
    it happens only when text is first cut. jieba's own dictionary ships inside the package
    (jieba/dict.txt) and is read from there: nothing is fetched. Its "Building prefix dict"
    chatter goes to the logging system at DEBUG level and is silenced here.
    """
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                with warnings.catch_warnings():
                    # jieba imports pkg_resources when setuptools is around, which warns
                    # about its own deprecation on stderr; nothing for our users to act on.
                    warnings.simplefilter("ignore")
                    import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                _jieba = tok
    return _jieba


def fold(text: str) -> str:
    """Fold full-width forms to half-width (ＡＢＣ１２３，→ ABC123,) and lower-case Latin.

    NFKC does the full-width folding and also unifies compatibility ideographs; Chinese text
    in plans mixes both widths freely, so without it "５Ｇ" and "5G" would be different words.
    """
    return unicodedata.normalize("NFKC", text or "").lower()


_NAME_GAPS = re.compile(r"[\s·•．.]+")


def fold_name(name: str) -> str:
    """A name (of a person or a unit) as compared across records: :func:`fold` (full width to half
    width, so Chinese and Latin brackets agree; Latin lower-cased), traditional script to
    simplified (鄭州 = 郑州), spaces and the dots of transliterated names dropped
    (阿依古丽·买买提 = 阿依古丽买买提). The one name folding of the platform: the person records'
    duplicate rules and the conflict check both use it."""
    return _NAME_GAPS.sub("", to_simplified(fold(str(name or ""))))


def words(text: str) -> list[str]:
    """The meaningful words of ``text``: jieba's cut, folded, without stop words and punctuation.

    Single Chinese characters are dropped: on their own they are mostly particles, and the
    bigrams already carry what a lone character contributes.
    """
    text = fold(text)
    out: list[str] = []
    if not text.strip():
        return out
    for w in _tokenizer().lcut(text, HMM=True):
        w = w.strip()
        if not w or w in STOP_WORDS or not _KEEP.search(w):
            continue
        if _CJK_RUN.fullmatch(w):
            if len(w) > 1:
                out.append(w)
        else:
            # Latin and digits: keep the alphanumeric cores (e.g. "5g", "2035").
            out.extend(m.group(0) for m in _ASCII_WORD.finditer(w))
    return out


def bigrams(text: str) -> list[str]:
    """Character bigrams inside runs of Chinese characters, prefixed "~" so they never collide
    with a two-character word; a bigram that is itself a stop word is left out."""
    out: list[str] = []
    for run in _CJK_RUN.findall(fold(text)):
        for i in range(len(run) - 1):
            bg = run[i : i + 2]
            if bg not in STOP_WORDS:
                out.append("~" + bg)
    return out


def tokenize(text: str) -> list[str]:
    """All features of ``text``: words then bigrams, in text order (deterministic)."""
    return words(text) + bigrams(text)
