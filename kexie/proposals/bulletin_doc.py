"""An issue of a bulletin (专报/专刊) as a Chinese official document (.docx).

Laid out with :mod:`kexie.core.officialdoc`: the 版头 with the series name in red large type, the
issue number (〔2026〕第3期), the issuing organisation and the date over the red rule; then each
entry as a numbered heading with its text and the author credit line (作者：… 单位：…); at the foot
the 报送 and 抄送 lines. Written in Chinese whatever the interface language, as the documents of
kexie.tracking.supervision_doc are.
"""

import datetime as dt
from dataclasses import dataclass

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from kexie.core.officialdoc import BODY_FONT, SIZE_3, TITLE_FONT, OfficialDocument, chinese_date, set_run_font

MASTHEAD_SIZE = Pt(42)  # 初号
MASTHEAD_COLOUR = RGBColor(0xFF, 0x00, 0x00)


@dataclass(frozen=True)
class Entry:
    title: str
    paragraphs: list[str]
    authors: list[str]
    units: list[str]

    @property
    def credit(self) -> str:
        """作者：张三、李四　单位：某大学"""
        line = "作者：" + "、".join(self.authors)
        if self.units:
            line += "　单位：" + "、".join(self.units)
        return line


@dataclass(frozen=True)
class BulletinDocument:
    series: str
    issue: str
    organization: str
    issued_on: dt.date
    title: str
    entries: list[Entry]
    sent_to: str
    copied_to: str


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def author_units(submission) -> list[str]:
    """The units the credit line names: the submitting organisation, else each author's first unit."""
    if submission.organization_id:
        return [submission.organization.name]
    units = []
    for person in submission.authors.all():
        position = person.positions.select_related("organization").first()
        unit = (position.unit_name or (position.organization.name if position.organization else "")) \
            if position else ""
        if unit and unit not in units:
            units.append(unit)
    return units


def bulletin_document(bulletin) -> BulletinDocument:
    """The issue's text, entries in their order."""
    entries = []
    for entry in bulletin.entries.select_related("submission__organization").order_by("position"):
        submission = entry.submission
        entries.append(Entry(title=entry.title, paragraphs=_paragraphs(entry.text),
                             authors=[p.name for p in submission.authors.all()] or [
                                 submission.organization.name if submission.organization_id else ""],
                             units=author_units(submission)))
    return BulletinDocument(series=bulletin.series, issue=bulletin.issue_label,
                            organization=bulletin.organization.name,
                            issued_on=bulletin.issued_on or dt.date.today(), title=bulletin.title,
                            entries=entries, sent_to=bulletin.sent_to, copied_to=bulletin.copied_to)


def bulletin_docx(document: BulletinDocument) -> bytes:
    """The .docx of an issue."""
    doc = OfficialDocument()
    masthead = doc.document.add_paragraph()
    masthead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = masthead.add_run(document.series)
    set_run_font(run, TITLE_FONT, MASTHEAD_SIZE)
    run.font.color.rgb = MASTHEAD_COLOUR
    masthead.paragraph_format.line_spacing = Pt(60)
    issue = doc.document.add_paragraph()
    issue.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_run_font(issue.add_run(document.issue), BODY_FONT, SIZE_3)
    doc.document_number(f"{document.organization}　　　　{chinese_date(document.issued_on)}")
    if document.title:
        doc.title(document.title)
    for entry in document.entries:
        doc.heading(1, entry.title)
        for paragraph in entry.paragraphs:
            doc.paragraph(paragraph)
        doc.paragraph(entry.credit)
    doc.document.add_paragraph()
    if document.sent_to:
        doc.paragraph(f"报送：{document.sent_to}", indent=False)
    if document.copied_to:
        doc.paragraph(f"抄送：{document.copied_to}", indent=False)
    return doc.to_bytes()


def file_name(bulletin) -> str:
    return f"{bulletin.series}{bulletin.issue_label}.docx"
