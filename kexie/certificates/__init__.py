"""Certificates as PDF: attendance at an activity, volunteer service hours, and whatever else a
service certifies. One engine for every service; plain Python with no Django import, so the text
it prints (already translated) and the serial it carries come from the caller.

Chinese text is set in the PDF standard CJK font STSong-Light (Adobe-GB1), which every PDF reader
supplies itself: no font file is shipped or embedded, and the text stays extractable."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
_ACCENT = HexColor("#9b1c1c")
_INK = HexColor("#1f2937")
_MUTED = HexColor("#6b7280")


@dataclass(frozen=True)
class Certificate:
    """One certificate, one page. ``lines`` are the body's paragraphs (wrapped to the page);
    ``serial`` identifies it for whoever checks it with the issuer."""

    title: str
    holder: str
    lines: list[str]
    issuer: str
    issued_on: dt.date
    serial: str
    # How the serial and the date are printed: the caller passes them in the reader's language.
    serial_label: str = "No."
    date_text: str = ""
    extra: dict = field(default_factory=dict)


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points at ``size``: by character, since
    Chinese has no spaces; a Latin word is kept whole where it fits on a line of its own."""
    font = _font()
    lines, line = [], ""
    for token in _tokens(text):
        candidate = line + token
        if line and pdfmetrics.stringWidth(candidate, font, size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = candidate
    if line:
        lines.append(line.rstrip())
    return lines or [""]


def _tokens(text: str):
    word = ""
    for char in text:
        if char.isascii() and not char.isspace():
            word += char
            continue
        if word:
            yield word
            word = ""
        yield char
    if word:
        yield word


def _page(c: canvas.Canvas, cert: Certificate) -> None:
    font = _font()
    width, height = landscape(A4)
    c.setStrokeColor(_ACCENT)
    c.setLineWidth(3)
    c.rect(28, 28, width - 56, height - 56)
    c.setLineWidth(0.8)
    c.rect(38, 38, width - 76, height - 76)

    c.setFillColor(_ACCENT)
    c.setFont(font, 34)
    c.drawCentredString(width / 2, height - 120, cert.title)

    c.setFillColor(_INK)
    c.setFont(font, 24)
    c.drawCentredString(width / 2, height - 185, cert.holder)

    size, left, right = 16, 110, width - 110
    y = height - 240
    c.setFont(font, size)
    for paragraph in cert.lines:
        for line in wrap(paragraph, right - left, size):
            c.drawString(left, y, line)
            y -= size * 1.7
        y -= size * 0.4

    c.setFont(font, 16)
    c.drawRightString(right, 130, cert.issuer)
    c.drawRightString(right, 105, cert.date_text or cert.issued_on.isoformat())
    c.setFillColor(_MUTED)
    c.setFont(font, 10)
    c.drawString(left, 60, f"{cert.serial_label} {cert.serial}")


def render_pdf(certs: list[Certificate], *, title: str = "") -> bytes:
    """The certificates as one PDF, a landscape A4 page each."""
    if not certs:
        raise ValueError("no certificate to render")
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=landscape(A4), invariant=True)
    c.setTitle(title or certs[0].title)
    for cert in certs:
        _page(c, cert)
        c.showPage()
    c.save()
    return buffer.getvalue()
