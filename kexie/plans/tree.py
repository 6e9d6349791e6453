"""Editing a parsed plan (the flat ``kexie.plan/1`` item list) during import review.

Items are a flat list in document order; an item's depth is the number of parts of its key.
Every edit works on that list and then renumbers the keys, so the tree is always consistent.
Items carry a private ``uid`` so that the reviewer's edits address an item whatever its key is now.
Plain Python: no Django, no database.
"""

from __future__ import annotations

import copy
import re
from typing import Any

KINDS = ("section", "task", "goal", "context", "safeguard")
_SENTENCE_END = re.compile(r"[。；;！？]")


class TreeEditError(ValueError):
    """An edit that cannot be applied; ``code`` names the reason for the message shown."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def depth_of(item: dict) -> int:
    return len(str(item["key"]).split("."))


def with_uids(parsed: dict) -> dict:
    """A copy of ``parsed`` whose items each carry a ``uid`` (kept through every edit)."""
    parsed = copy.deepcopy(parsed)
    next_uid = max((item.get("uid", 0) for item in parsed["items"]), default=0) + 1
    for item in parsed["items"]:
        if not item.get("uid"):
            item["uid"] = next_uid
            next_uid += 1
        item.setdefault("lead_units", [])
        item.setdefault("co_units", [])
        item.setdefault("targets", [])
        item.setdefault("text", "")
        item.setdefault("marker", "")
    return parsed


def renumber(items: list[dict], depths: list[int]) -> None:
    """Give ``items`` keys for the given depths, clamping each depth to at most one below the
    previous item's (a child cannot come before its parent)."""
    counters: list[int] = []
    previous = 0
    for item, depth in zip(items, depths):
        depth = max(1, min(depth, previous + 1))
        del counters[depth:]
        while len(counters) < depth:
            counters.append(0)
        counters[depth - 1] += 1
        item["key"] = ".".join(str(n) for n in counters)
        previous = depth


def _index(items: list[dict], uid: int) -> int:
    for index, item in enumerate(items):
        if item.get("uid") == uid:
            return index
    raise TreeEditError("no_such_item")


def _subtree_end(items: list[dict], index: int) -> int:
    depth = depth_of(items[index])
    end = index + 1
    while end < len(items) and depth_of(items[end]) > depth:
        end += 1
    return end


def _apply(parsed: dict, items: list[dict], depths: list[int]) -> dict:
    renumber(items, depths)
    parsed["items"] = items
    return parsed


def edit_item(parsed: dict, uid: int, *, title: str | None = None, kind: str | None = None,
              due: str | None = None, text: str | None = None) -> dict:
    items = parsed["items"]
    item = items[_index(items, uid)]
    if title is not None:
        title = title.strip()
        if not title:
            raise TreeEditError("empty_title")
        item["title"] = title[:500]
    if kind is not None:
        if kind not in KINDS:
            raise TreeEditError("bad_kind")
        item["kind"] = kind
    if due is not None:
        if due and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", due):
            raise TreeEditError("bad_date")
        item["due"] = due or None
    if text is not None:
        item["text"] = text
    return parsed


def delete_item(parsed: dict, uid: int) -> dict:
    """Remove an item and everything under it."""
    items = parsed["items"]
    index = _index(items, uid)
    end = _subtree_end(items, index)
    kept = items[:index] + items[end:]
    return _apply(parsed, kept, [depth_of(i) for i in kept])


def merge_with_previous(parsed: dict, uid: int) -> dict:
    """Fold an item into the item before it (its text, units and targets); its children follow."""
    items = parsed["items"]
    index = _index(items, uid)
    if index == 0:
        raise TreeEditError("nothing_before")
    item, previous = items[index], items[index - 1]
    joined = "".join(part for part in (item.get("marker", ""), item["title"]) if part)
    previous["text"] = "".join(filter(None, [previous.get("text", ""), joined + "。" if joined else "",
                                             item.get("text", "")]))
    for field in ("lead_units", "co_units"):
        previous[field] = previous[field] + [u for u in item[field] if u not in previous[field]]
    previous["targets"] = previous["targets"] + item["targets"]
    if item.get("span") and previous.get("span"):
        previous["span"] = [min(previous["span"][0], item["span"][0]), max(previous["span"][1], item["span"][1])]
    depths = [depth_of(i) for i in items]
    # Children of the merged item move up one level when the previous item is its parent.
    end = _subtree_end(items, index)
    shift = 1 if depth_of(previous) < depth_of(item) else 0
    for position in range(index + 1, end):
        depths[position] -= shift
    del items[index], depths[index]
    return _apply(parsed, items, depths)


def split_item(parsed: dict, uid: int, *, at: int) -> dict:
    """Split an item's text at character ``at``: the tail becomes a new item at the same depth,
    titled by its first sentence."""
    items = parsed["items"]
    index = _index(items, uid)
    item = items[index]
    text = item.get("text", "")
    if not 0 < at < len(text):
        raise TreeEditError("bad_split")
    head, tail = text[:at].rstrip(), text[at:].lstrip()
    first = _SENTENCE_END.split(tail, maxsplit=1)[0].strip()
    new_uid = max(i["uid"] for i in items) + 1
    new = {
        "uid": new_uid, "key": item["key"], "marker": "", "kind": item["kind"], "title": first[:40] or tail[:40],
        "text": tail, "lead_units": list(item["lead_units"]), "co_units": list(item["co_units"]),
        "due": item.get("due"), "targets": [],
    }
    item["text"] = head
    if item.get("span"):
        cut = item["span"][1] - len(text) + at
        new["span"] = [cut, item["span"][1]]
        item["span"] = [item["span"][0], cut]
    end = _subtree_end(items, index)
    depths = [depth_of(i) for i in items]
    items.insert(end, new)
    depths.insert(end, depth_of(item))
    return _apply(parsed, items, depths)


def indent_item(parsed: dict, uid: int, *, levels: int) -> dict:
    """Move an item and its subtree one level deeper (levels=+1) or shallower (levels=-1)."""
    items = parsed["items"]
    index = _index(items, uid)
    depth = depth_of(items[index])
    if levels > 0 and (index == 0 or depth_of(items[index - 1]) < depth):
        raise TreeEditError("cannot_indent")
    if levels < 0 and depth == 1:
        raise TreeEditError("cannot_outdent")
    end = _subtree_end(items, index)
    depths = [depth_of(i) for i in items]
    for position in range(index, end):
        depths[position] += levels
    return _apply(parsed, items, depths)


def move_item(parsed: dict, uid: int, *, direction: int) -> dict:
    """Swap an item (with its subtree) with its previous (-1) or next (+1) sibling."""
    items = parsed["items"]
    index = _index(items, uid)
    depth = depth_of(items[index])
    end = _subtree_end(items, index)
    depths = [depth_of(i) for i in items]
    if direction < 0:
        sibling = index - 1
        while sibling >= 0 and depths[sibling] > depth:
            sibling -= 1
        if sibling < 0 or depths[sibling] != depth:
            raise TreeEditError("cannot_move")
        order = list(range(sibling)) + list(range(index, end)) + list(range(sibling, index)) + list(range(end, len(items)))
    else:
        if end >= len(items) or depths[end] != depth:
            raise TreeEditError("cannot_move")
        sibling_end = _subtree_end(items, end)
        order = list(range(index)) + list(range(end, sibling_end)) + list(range(index, end)) + list(
            range(sibling_end, len(items)))
    return _apply(parsed, [items[i] for i in order], [depths[i] for i in order])


def set_units(parsed: dict, uid: int, *, lead_units: list[str], co_units: list[str]) -> dict:
    item = parsed["items"][_index(parsed["items"], uid)]
    item["lead_units"] = _clean_names(lead_units)
    item["co_units"] = [u for u in _clean_names(co_units) if u not in item["lead_units"]]
    return parsed


def add_target(parsed: dict, uid: int, target: dict[str, Any]) -> dict:
    item = parsed["items"][_index(parsed["items"], uid)]
    low, high = target.get("min"), target.get("max")
    if low is None and high is None:
        raise TreeEditError("target_needs_value")
    if low is not None and high is not None and low > high:
        raise TreeEditError("target_range")
    item["targets"].append({
        "text": target.get("text", ""), "metric": target.get("metric", ""), "verb": target.get("verb", ""),
        "min": low, "max": high, "unit": target.get("unit", ""), "due": target.get("due") or item.get("due"),
    })
    return parsed


def remove_target(parsed: dict, uid: int, *, index: int) -> dict:
    item = parsed["items"][_index(parsed["items"], uid)]
    if not 0 <= index < len(item["targets"]):
        raise TreeEditError("no_such_target")
    del item["targets"][index]
    return parsed


def unit_names(parsed: dict) -> list[str]:
    """Every distinct lead or co unit string in the plan, in order of first appearance."""
    seen: dict[str, None] = {}
    for item in parsed["items"]:
        for name in item.get("lead_units", []) + item.get("co_units", []):
            seen.setdefault(name, None)
    return list(seen)


def _clean_names(names: list[str]) -> list[str]:
    result: list[str] = []
    for name in names:
        name = (name or "").strip()
        if name and name not in result:
            result.append(name)
    return result
