"""Checking uploaded files before anything parses them, and decoding uploaded text.

Shared by every importer (organisations, plan documents, ...). The checks run on the raw bytes:
the extension must be on the caller's allow-list *and* agree with the file's magic bytes, and a
zip-based file (.xlsx, .docx) is judged by its central directory — entry count, total
uncompressed size, compression ratio — before any member is decompressed.
"""

import codecs
import io
import os
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .middleware import note_refusal

ZIP_MAX_ENTRIES = 2000
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# Ordinary spreadsheets compress 5-30x; a bomb compresses thousands of times. Small members are
# ignored because a tiny, very repetitive XML part can legitimately exceed the ratio.
ZIP_MAX_RATIO = 200
ZIP_RATIO_MIN_MEMBER_BYTES = 1024 * 1024

ZIP_FORMATS = {
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "docx": ("[Content_Types].xml", "word/document.xml"),
}
TEXT_FORMATS = {"txt", "csv", "md", "html", "htm"}
# Images are judged by their signature only: they are stored and served back, never parsed.
IMAGE_SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff"}
KNOWN_FORMATS = set(ZIP_FORMATS) | TEXT_FORMATS | {"pdf"} | set(IMAGE_SIGNATURES)


def file_extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _read_all(uploaded_file) -> bytes:
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read()
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    return data


def check_upload(uploaded_file, *, allowed: set[str], max_bytes: int | None = None) -> str:
    """Refuse a file that is too large, of a type not allowed, or not what its extension claims.

    Returns the (lower-case) extension. Raises ValidationError with a message for the user.
    The file position is left at the start. A refusal is noted for the audit trail.
    """
    try:
        return _check_upload(uploaded_file, allowed=allowed, max_bytes=max_bytes)
    except ValidationError as error:
        note_refusal(f"upload {os.path.basename(getattr(uploaded_file, 'name', '') or '')}: {error.code or ''}")
        raise


def _check_upload(uploaded_file, *, allowed: set[str], max_bytes: int | None = None) -> str:
    allowed = {ext.lower().lstrip(".") for ext in allowed}
    unknown = allowed - KNOWN_FORMATS
    if unknown:
        raise ValueError(f"no content check for {sorted(unknown)}")
    max_bytes = max_bytes or settings.KEXIE_UPLOAD_MAX_BYTES
    name = getattr(uploaded_file, "name", "") or ""
    ext = file_extension(name)
    if ext not in allowed:
        raise ValidationError(
            _("The file “%(name)s” is not accepted: only %(types)s files can be uploaded.")
            % {"name": os.path.basename(name), "types": ", ".join(f".{e}" for e in sorted(allowed))},
            code="extension")
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > max_bytes:
        raise _too_large(name, max_bytes)
    data = _read_all(uploaded_file)
    if len(data) > max_bytes:
        raise _too_large(name, max_bytes)
    if not data:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": os.path.basename(name)},
                              code="empty")
    if ext in ZIP_FORMATS:
        check_zip(data, required=ZIP_FORMATS[ext], name=name)
    elif ext == "pdf":
        if not data.startswith(b"%PDF-"):
            raise _mismatch(name, ext)
    elif ext in IMAGE_SIGNATURES:
        if not data.startswith(IMAGE_SIGNATURES[ext]):
            raise _mismatch(name, ext)
    elif ext in TEXT_FORMATS:
        try:
            text = decode_text(data)
        except ValidationError:
            raise _mismatch(name, ext) from None
        if "\x00" in text:
            raise _mismatch(name, ext)
    return ext


def _too_large(name: str, max_bytes: int) -> ValidationError:
    return ValidationError(
        _("The file “%(name)s” is too large: at most %(size)s may be uploaded.")
        % {"name": os.path.basename(name), "size": filesizeformat(max_bytes)}, code="too_large")


def _mismatch(name: str, ext: str) -> ValidationError:
    return ValidationError(
        _("The content of “%(name)s” is not a valid .%(ext)s file.") % {"name": os.path.basename(name), "ext": ext},
        code="content_mismatch")


def check_zip(data: bytes, *, required=(), name: str = "",
              max_entries: int = ZIP_MAX_ENTRIES, max_total: int = ZIP_MAX_UNCOMPRESSED_BYTES,
              max_ratio: int = ZIP_MAX_RATIO) -> None:
    """Judge a zip container by its central directory alone (nothing is decompressed)."""
    ext = file_extension(name) or "zip"
    if not data.startswith(b"PK\x03\x04"):
        raise _mismatch(name, ext)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _mismatch(name, ext) from None
    if len(infos) > max_entries:
        raise ValidationError(
            _("The file “%(name)s” contains too many parts (%(count)d, at most %(max)d); it is refused.")
            % {"name": os.path.basename(name), "count": len(infos), "max": max_entries}, code="zip_entries")
    total = sum(info.file_size for info in infos)
    bomb = _("The file “%(name)s” would expand to too much data when opened; it is refused.") % {
        "name": os.path.basename(name)}
    if total > max_total:
        raise ValidationError(bomb, code="zip_size")
    for info in infos:
        if info.file_size >= ZIP_RATIO_MIN_MEMBER_BYTES and info.file_size > max_ratio * max(info.compress_size, 1):
            raise ValidationError(bomb, code="zip_ratio")
        if info.flag_bits & 0x1:
            raise ValidationError(
                _("The file “%(name)s” is encrypted and cannot be read.") % {"name": os.path.basename(name)},
                code="zip_encrypted")
    names = {info.filename for info in infos}
    if any(member not in names for member in required):
        raise _mismatch(name, ext)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _looks_like_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM. UTF-8 and GB18030 text never contains NUL bytes, while UTF-16 puts
    one beside every ASCII character (commas, digits, line breaks: a CSV has many). The byte
    order is the one that decodes to printable text without NULs."""
    sample = data[: 64 * 1024]
    sample = sample[: len(sample) // 2 * 2]
    if b"\x00" not in sample:
        return None
    odd = sample[1::2].count(0)
    even = sample[0::2].count(0)
    for encoding in (("utf-16-le", "utf-16-be") if odd >= even else ("utf-16-be", "utf-16-le")):
        # "replace": the sample may end inside a surrogate pair; decode_text decodes strictly.
        text = sample.decode(encoding, errors="replace")
        printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
        if "\x00" not in text and printable >= 0.95 * len(text):
            return encoding
    return None


def detect_encoding(data: bytes) -> str:
    """The encoding of uploaded text: BOM, else UTF-16 by its NULs, else UTF-8, else GB18030."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding + "-sig" if encoding == "utf-8" else encoding
    utf16 = _looks_like_utf16(data)
    if utf16:
        return utf16
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValidationError(
        _("The text encoding of the file could not be recognised; save it as UTF-8 or GBK and try again."),
        code="encoding")


def decode_text(data: bytes) -> str:
    """Decode uploaded text in UTF-8, UTF-16/32 (with or without BOM) or GB18030/GBK."""
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise ValidationError(
            _("The text encoding of the file could not be recognised; save it as UTF-8 or GBK and try again."),
            code="encoding") from None
    # utf-16/32 with a BOM keep it when decoded with an explicit byte order.
    return text.lstrip("\ufeff") if text.startswith("\ufeff") else text
