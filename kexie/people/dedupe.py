"""Duplicate rules for person records, as plain functions over plain data (no Django).

Two records are the **same person** (an exact duplicate) when their ID numbers are equal, or when
their names, a unit they work at and their phone numbers are all equal after folding. They are
**possibly the same person** when their names are equal after folding or sound the same in
pinyin (张伟 / 章伟) and they share at least one of: a unit, a phone number, a birth date.

Folding: traditional characters to simplified, full-width to half-width, spaces and the middle
dot of transliterated names dropped, Latin letters lower-cased.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin

from kexie.textsim.tokenize import fold_name

EXACT, POSSIBLE = "exact", "possible"


def fold(text: str) -> str:
    """Text folded for comparison: the platform's one name folding (NFKC, simplified, no spaces
    or dots, lower case)."""
    return fold_name(text)


def fold_phone(text: str) -> str:
    """Digits only, without a leading +86 / 0086."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", str(text or "")))
    if len(digits) > 11 and digits.startswith(("86", "0086")):
        digits = digits[-11:]
    return digits


def name_pinyin(name: str) -> str:
    """Toneless pinyin of the folded name, syllables joined: 张伟 and 章伟 both give "zhangwei"."""
    return "".join(lazy_pinyin(fold(name))).lower()


def name_initials(name: str) -> str:
    return "".join(lazy_pinyin(fold(name), style=Style.FIRST_LETTER)).lower()


@dataclass
class Candidate:
    """What the rules read of a person: folded name, units, phone, birth date, ID digest."""

    key: object
    name: str
    units: set[str] = field(default_factory=set)
    phone: str = ""
    birth_date: object = None
    id_digest: str = ""

    def __post_init__(self):
        self.name_key = fold(self.name)
        self.pinyin = name_pinyin(self.name)
        self.unit_keys = {fold(u) for u in self.units if fold(u)}
        self.phone_key = fold_phone(self.phone)


def compare(a: Candidate, b: Candidate) -> tuple[str, list[str]] | None:
    """(EXACT or POSSIBLE, the reasons) when ``a`` and ``b`` may be one person; None otherwise."""
    if a.id_digest and b.id_digest:
        if a.id_digest == b.id_digest:
            return EXACT, ["id_number"]
        return None  # two different ID numbers are two people
    same_name = bool(a.name_key) and a.name_key == b.name_key
    same_sound = bool(a.pinyin) and a.pinyin == b.pinyin
    if not (same_name or same_sound):
        return None
    shared_unit = bool(a.unit_keys & b.unit_keys)
    same_phone = bool(a.phone_key) and a.phone_key == b.phone_key
    same_birth = a.birth_date is not None and a.birth_date == b.birth_date
    if same_name and shared_unit and same_phone:
        return EXACT, ["name", "unit", "phone"]
    reasons = ["name" if same_name else "pinyin"]
    reasons += [r for r, hit in (("unit", shared_unit), ("phone", same_phone), ("birth_date", same_birth)) if hit]
    if len(reasons) > 1:
        return POSSIBLE, reasons
    return None


def find_matches(new: Candidate, existing: list[Candidate]) -> list[tuple[Candidate, str, list[str]]]:
    """Every existing candidate that matches ``new``, exact ones first."""
    found = []
    for other in existing:
        result = compare(new, other)
        if result:
            found.append((other, *result))
    found.sort(key=lambda item: item[1] != EXACT)
    return found


def pairs(candidates: list[Candidate]) -> list[tuple[Candidate, Candidate, str, list[str]]]:
    """Every matching pair in a list, compared within groups of equal pinyin or ID digest only."""
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        groups.setdefault("p:" + c.pinyin, []).append(c)
        if c.id_digest:
            groups.setdefault("i:" + c.id_digest, []).append(c)
    seen, result = set(), []
    for members in groups.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                key = tuple(sorted((str(a.key), str(b.key))))
                if key in seen or a.key == b.key:
                    continue
                outcome = compare(a, b)
                if outcome:
                    seen.add(key)
                    result.append((a, b, *outcome))
    return result
