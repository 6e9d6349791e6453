"""parse_text: decoded text → the ``kexie.plan/1`` dict."""

from __future__ import annotations

from typing import Any

from kexie.docparse import genre
from kexie.docparse.deadlines import latest_deadline
from kexie.docparse.meta import find_meta
from kexie.docparse.normalise import normalise
from kexie.docparse.structure import Builder, Node, assign_kinds, drop_before_restart
from kexie.docparse.tables import Table, merge_tables
from kexie.docparse.targets import find_targets
from kexie.docparse.units import find_units

FORMAT = "kexie.plan/1"


def _plan_year(meta_period: dict | None, issued_on: str | None) -> int | None:
    """The year that 6月底前 or 上半年 refers to."""
    if meta_period and meta_period["start"][:4] == meta_period["end"][:4]:
        return int(meta_period["start"][:4])
    if issued_on:
        return int(issued_on[:4])
    if meta_period:
        return int(meta_period["start"][:4])
    return None


def parse_text(text: str, *, source: str | None = None, tables: list[Table] | None = None) -> dict[str, Any]:
    """Parse a plan document's text into the kexie.plan/1 dict (see the format spec).

    ``span`` of each item gives [start, end) offsets into ``text`` itself. ``tables`` are the
    tables a file reader found (``readers.read_document``); task-division tables among them, and
    those written into the text, are merged into the items (``tables.merge_tables``)."""
    lines = normalise(text)
    meta = find_meta(lines)
    builder = Builder()
    for line in lines[meta.body_start:meta.body_end]:
        builder.add_paragraph(line)

    title = meta.title
    drop_before_restart(builder.root)
    body = "".join(line.text for line in lines[meta.body_start:meta.body_end])
    kind_of_document = genre.decide(title, body)
    assign_kinds(builder.root, genre=kind_of_document)

    year = _plan_year(meta.period, meta.issued_on)
    period = meta.period
    if kind_of_document == genre.SUMMARY:
        # A summary covers past work: no plan period; its next steps are for the year after.
        period = None
        year = year + 1 if year and meta.period else year
    period_end = period["end"] if period else None
    items: list[dict[str, Any]] = []

    def visit(node: Node, key: str, inherited_due: str | None,
              inherited_units: tuple[list[str], list[str]]) -> None:
        own = node.own_text()
        full = node.full_text()
        lead, co = find_units(node.unit_text) if node.unit_text else ([], [])
        if not lead and not co:
            lead, co = inherited_units
        elif not lead:
            lead = inherited_units[0]
        explicit = latest_deadline(full, year)
        due = explicit or inherited_due
        shown_due = None if node.kind in ("section", "context") else due
        targets = []
        if node.kind in ("task", "goal", "safeguard"):
            targets = find_targets(full, goal=node.kind == "goal",
                                   due=shown_due, plan_year=year)
        items.append({
            "key": key,
            "marker": node.marker,
            "kind": node.kind,
            "title": node.title,
            "text": own.strip().lstrip("。；;：:，, ").strip(),
            "lead_units": list(lead),
            "co_units": list(co),
            "due": shown_due,
            "targets": targets,
            "span": node.span,
        })
        for i, child in enumerate(node.children, 1):
            visit(child, f"{key}.{i}", due, (list(lead), list(co)))

    for i, child in enumerate(builder.root.children, 1):
        visit(child, str(i), period_end, ([], []))

    plan = {
        "format": FORMAT,
        "source": source,
        "title": title,
        "issuer": meta.issuer,
        "doc_number": meta.doc_number,
        "issued_on": meta.issued_on,
        "period": period,
        "items": items,
    }
    return merge_tables(plan, text=text, tables=tables, plan_year=year,
                        reparse=lambda body, found: parse_text(body, source=source, tables=found))
