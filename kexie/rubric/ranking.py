"""Ranking (排名) with ties, peer groups (discipline × size band) and year-over-year movement.

Ranks follow standard competition ranking: equal totals share a rank and the next rank skips
(1, 2, 2, 4). Within a tie the rows are ordered by name (Unicode code points), then by key
(as text) — independent of the input order, so shuffling the input never changes the table.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Entry:
    key: int | str  # the society's id
    total: Decimal
    name: str = ""


@dataclass(frozen=True)
class Ranked:
    key: int | str
    total: Decimal
    name: str
    rank: int


def _order(entry: Entry):
    return (-entry.total, entry.name, str(entry.key))


def rank(entries: Iterable[Entry]) -> list[Ranked]:
    """The entries in table order with their competition ranks."""
    ordered = sorted(entries, key=_order)
    out: list[Ranked] = []
    for position, entry in enumerate(ordered, start=1):
        shared = out and out[-1].total == entry.total
        out.append(Ranked(entry.key, entry.total, entry.name, out[-1].rank if shared else position))
    return out


def rank_by_group(entries: Iterable[Entry], group_of: Callable[[Entry], Hashable]) -> dict[Hashable, list[Ranked]]:
    """Each group's table, ranked within the group alone."""
    groups: dict[Hashable, list[Entry]] = defaultdict(list)
    for entry in entries:
        groups[group_of(entry)].append(entry)
    return {group: rank(members) for group, members in groups.items()}


# --- size bands ----------------------------------------------------------------------------------

def size_band(members: int, bands: Sequence[int]) -> int:
    """The index of the band ``members`` falls in; ``bands`` are ascending lower bounds from 0."""
    index = 0
    for i, lower in enumerate(bands):
        if members >= lower:
            index = i
    return index


def band_label(index: int, bands: Sequence[int]) -> str:
    """"500–1999" for a closed band, "≥10000" for the last one."""
    lower = bands[index]
    if index + 1 < len(bands):
        return f"{lower}–{bands[index + 1] - 1}"
    return f"≥{lower}"


def check_bands(bands) -> bool:
    """Bands are a non-empty ascending list of distinct whole numbers starting at 0."""
    return (isinstance(bands, list | tuple) and bool(bands) and all(isinstance(b, int) and not isinstance(b, bool)
                                                                      for b in bands)
            and bands[0] == 0 and list(bands) == sorted(set(bands)))


def peer_group(discipline: str, members: int, bands: Sequence[int]) -> str:
    """The peer group's key: "engineering:500–1999"."""
    return f"{discipline}:{band_label(size_band(members, bands), bands)}"


# --- movement ------------------------------------------------------------------------------------

NEW, UP, DOWN, SAME = "new", "up", "down", "same"


@dataclass(frozen=True)
class Movement:
    kind: str
    steps: int = 0

    def __str__(self) -> str:
        return {UP: f"↑{self.steps}", DOWN: f"↓{self.steps}", SAME: "—"}.get(self.kind, "new")


def movement(now: int, before: int | None) -> Movement:
    """How far a society moved since last year's ranking (``before`` None: not ranked then)."""
    if before is None:
        return Movement(NEW)
    if now < before:
        return Movement(UP, before - now)
    if now > before:
        return Movement(DOWN, now - before)
    return Movement(SAME)
