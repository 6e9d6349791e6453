"""From an upload or pasted text to a parsed plan: upload checks, then the document parser."""

import os
import tempfile

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from kexie.core.uploads import check_upload
from kexie.docparse import DocParseError, parse_text
from kexie.docparse.readers import _err as parser_error
from kexie.docparse.readers import read_document

# .xlsx: a task-division table (任务分工表) kept as a workbook, each sheet read as a table.
DOCUMENT_FORMATS = {"txt", "docx", "xlsx", "pdf", "html", "htm", "md"}


def _message(error: DocParseError) -> str:
    return error.zh if translation.get_language().startswith("zh") else error.en


def _parse(text: str, source: str, tables=None) -> dict:
    parsed = parse_text(text, source=source, tables=tables)
    if not parsed["items"]:
        raise parser_error("no_structure")
    return parsed


def parse_uploaded_document(uploaded_file, *, field: str = "file") -> tuple[str, dict]:
    """(decoded source text, kexie.plan/1 dict) of an uploaded document, or a ValidationError
    on ``field`` saying in the user's language what is wrong with the file."""
    try:
        ext = check_upload(uploaded_file, allowed=DOCUMENT_FORMATS)
    except ValidationError as error:
        # On the file field, like the parser's own errors, so the form shows it there.
        raise ValidationError({field: error.messages}) from None
    name = os.path.basename(getattr(uploaded_file, "name", "") or f"document.{ext}")
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, f"upload.{ext}")
        with open(path, "wb") as out:
            uploaded_file.seek(0)
            for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [uploaded_file.read()]:
                out.write(chunk)
        uploaded_file.seek(0)
        try:
            text, tables = read_document(path)
            return text, _parse(text, name, tables)
        except DocParseError as error:
            raise ValidationError({field: _message(error)}) from None


def parse_pasted_text(text: str, *, field: str = "text") -> tuple[str, dict]:
    text = (text or "").strip("\ufeff")
    if not text.strip():
        raise ValidationError({field: _("The text is empty.")})
    try:
        return text, _parse(text, "")
    except DocParseError as error:
        raise ValidationError({field: _message(error)}) from None
