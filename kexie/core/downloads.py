"""File downloads under the names people read: Chinese, with a plain-ASCII name for old clients.

Every download (exports, meeting packs, uploaded evidence and documents) names its file through
:func:`content_disposition`: RFC 6266 ``filename*=UTF-8''…`` carries the real name, and the plain
``filename="…"`` beside it, which clients that do not read the first one use, is its pinyin
(组织名录-20260701.xlsx -> zuzhiminglu-20260701.xlsx) rather than an empty or mangled name.
"""

import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse
from pypinyin import lazy_pinyin

_PATH_SEPARATORS = re.compile(r"[/\\]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ASCII_UNSAFE = re.compile(r"[^A-Za-z0-9._()\[\]+-]+")


def clean_filename(filename: str) -> str:
    """The name without path separators and control characters (a title may contain "/")."""
    name = _CONTROL.sub("", _PATH_SEPARATORS.sub("-", str(filename or ""))).strip()
    return name or "download"


def ascii_filename(filename: str) -> str:
    """An ASCII stand-in for ``filename``: Chinese as pinyin, full-width forms as their ASCII
    twins, anything else as a hyphen; the extension kept."""
    name = clean_filename(filename)
    stem, dot, extension = name.rpartition(".")
    if not dot or not extension.isascii() or not extension.isalnum():
        stem, extension = name, ""
    text = unicodedata.normalize("NFKD", "".join(lazy_pinyin(stem)))
    text = "".join(ch if ch.isascii() else "-" for ch in text if not unicodedata.combining(ch))
    text = _ASCII_UNSAFE.sub("-", text)
    text = re.sub(r"-{2,}", "-", text).strip("-._") or "download"
    return f"{text}.{extension}" if extension else text


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """The Content-Disposition header value for a download named ``filename``."""
    name = clean_filename(filename)
    kind = "inline" if inline else "attachment"
    fallback = ascii_filename(name)
    if name == fallback:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"


def file_download(handle, filename: str, *, content_type: str | None = None) -> FileResponse:
    """A streamed attachment of the open binary file ``handle`` under ``filename``."""
    name = clean_filename(filename)
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["Content-Disposition"] = content_disposition(name)
    return response
