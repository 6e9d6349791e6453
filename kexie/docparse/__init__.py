"""Chinese policy-document parser: plans (方案、要点、规划…) → the ``kexie.plan/1`` item tree.

Plain Python, no Django. ``parse_text(text)`` for decoded text, ``parse_file(path)`` for
.txt/.docx/.pdf/.xlsx/.html/.md files; ``python -m kexie.docparse FILE [--json]`` on the command line.
"""

from __future__ import annotations

import os
from typing import Any

from kexie.docparse.parser import FORMAT, parse_text
from kexie.docparse.readers import DocParseError, read_document, read_file

__all__ = ["FORMAT", "DocParseError", "parse_file", "parse_text", "read_document", "read_file"]


def parse_file(path: str) -> dict[str, Any]:
    """Read and parse a document file. Spans point into the text the reader extracted; the
    file's tables (task-division tables in an attachment, an .xlsx sheet) are merged in."""
    text, tables = read_document(path)
    return parse_text(text, source=os.path.basename(path), tables=tables)
