"""Traditional → simplified script, one character to one, from OpenCC's data.

OpenCC (the maintained converter, Apache-2.0) converts whole phrases, which may change a text's
length. The parser needs a map it can apply character by character, so that every offset into
the text the user uploaded stays exact: each character is converted on its own, and kept only
when OpenCC gives exactly one character back.
"""

from __future__ import annotations

import opencc

_CONVERTER = opencc.OpenCC("t2s")
# Characters below this never change script (ASCII, Latin, punctuation, kana).
_FIRST_HAN = 0x3400


_CACHE: dict[str, str] = {}


def simplified_map(text: str) -> dict[str, str]:
    """For every traditional character in ``text``, its simplified form (one character)."""
    todo = [c for c in set(text) if ord(c) >= _FIRST_HAN and c not in _CACHE]
    if todo:
        # One call for all new characters; a newline keeps them from forming phrases.
        out = _CONVERTER.convert("\n".join(todo)).split("\n")
        if len(out) != len(todo):  # never seen; convert one by one rather than misalign
            out = [_CONVERTER.convert(c) for c in todo]
        for c, s in zip(todo, out):
            _CACHE[c] = s if len(s) == 1 else c
    return {c: _CACHE[c] for c in set(text) if ord(c) >= _FIRST_HAN and _CACHE[c] != c}


def to_simplified(text: str) -> str:
    """``text`` with each traditional character replaced by its simplified form; same length."""
    table = simplified_map(text)
    return "".join(table.get(c, c) for c in text) if table else text


_TO_TRADITIONAL = opencc.OpenCC("s2t")
_SIMPLIFIED_ONLY: dict[str, bool] = {}


def simplified_only(chars: set[str]) -> set[str]:
    """Those of ``chars`` that exist only in simplified script (价, 门, 办): in a traditional
    text they were not written by its author."""
    todo = [c for c in chars if ord(c) >= _FIRST_HAN and c not in _SIMPLIFIED_ONLY]
    if todo:
        out = _TO_TRADITIONAL.convert("\n".join(todo)).split("\n")
        if len(out) != len(todo):
            out = [_TO_TRADITIONAL.convert(c) for c in todo]
        for c, t in zip(todo, out):
            _SIMPLIFIED_ONLY[c] = t != c
    return {c for c in chars if _SIMPLIFIED_ONLY.get(c)}
