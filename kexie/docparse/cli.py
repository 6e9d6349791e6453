"""Command line: ``python -m kexie.docparse FILE [--json]``.

Without --json the tree is printed for reading: indentation by depth, marker, kind, title,
then lead units, due date and targets. Errors are one line in Chinese and English, exit code 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from kexie.docparse import parse_file
from kexie.docparse.readers import DocParseError, _err

USAGE = "usage: python -m kexie.docparse FILE [--json]"


def render(plan: dict[str, Any]) -> str:
    """The readable tree."""
    period = plan.get("period") or {}
    out = [
        f"标题 title: {plan.get('title') or '-'}",
        f"发文机关 issuer: {plan.get('issuer') or '-'}   文号 number: {plan.get('doc_number') or '-'}"
        f"   日期 issued: {plan.get('issued_on') or '-'}",
        f"期限 period: {period.get('start', '-')} – {period.get('end', '-')}" if period else "期限 period: -",
        "",
    ]
    for item in plan["items"]:
        depth = item["key"].count(".")
        pad = "  " * depth
        marker = item["marker"] or "·"
        out.append(f"{pad}{marker} [{item['kind']}] {item['title']}")
        extra = []
        if item["lead_units"]:
            extra.append("牵头: " + "、".join(item["lead_units"]))
        if item["co_units"]:
            extra.append("配合: " + "、".join(item["co_units"]))
        if item["due"]:
            extra.append("时限: " + item["due"])
        if extra:
            out.append(f"{pad}    " + "  ".join(extra))
        for t in item["targets"]:
            rng = f"{t['min']}" if t["min"] == t["max"] else f"{t['min']}–{t['max'] if t['max'] is not None else '∞'}"
            out.append(f"{pad}    ◎ 指标: {t['text']}  [{rng} {t['unit']}]")
    return "\n".join(out)


def main(argv: list[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Parse FILE and print it; 0 on success, 2 on any unreadable or structureless file."""
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    as_json = "--json" in argv
    files = [a for a in argv if a != "--json"]
    if len(files) != 1 or files[0].startswith("-"):
        print(USAGE, file=stderr)
        return 2
    try:
        plan = parse_file(files[0])
        if not plan["items"]:
            raise _err("no_structure")
    except DocParseError as exc:
        print(exc.line(), file=stderr)
        return 2
    if as_json:
        print(json.dumps(plan, ensure_ascii=False, indent=2), file=stdout)
    else:
        print(render(plan), file=stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
