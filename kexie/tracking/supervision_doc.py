"""The supervision notice as an official document (督办通知单): its print view and its .docx.

Both are laid out from one :class:`NoticeDocument`, so the sheet printed from the browser and the
Word file say the same thing: the number (督办〔2026〕1号) over the red rule, the title, the
addressed unit, the task, the reason and the reply deadline, the issuing organisation and the
date in Chinese form (2026年4月1日), and, once the unit has replied, the reply with its date and
evidence files. Like the monthly meeting pack it is a Chinese official document and is written in
Chinese whatever the interface language.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kexie.accounts.scope import access_object, require_code
from kexie.audit.services import audit_record
from kexie.core.officialdoc import OfficialDocument, chinese_date

from .models import NoticeStatus, SupervisionNotice

TITLE = "督办通知单"
REPLY_TITLE = "督办回复"


def _paragraphs(text: str) -> list[str]:
    """The non-empty lines of a text typed into a form: one paragraph each."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@dataclass(frozen=True)
class NoticeReply:
    """What the unit answered: shown under the notice once it has replied."""

    unit: str
    replied_on: str
    late: bool
    paragraphs: list[str]
    evidence: list[str]
    closed_on: str | None
    title: str = REPLY_TITLE

    @property
    def particulars(self) -> list[str]:
        """What stands before the reply's text: unit, date (and lateness), closing."""
        lines = [f"回复单位：{self.unit}", f"回复日期：{self.replied_on}" + ("（逾期回复）" if self.late else "")]
        if self.closed_on:
            lines.append(f"办结日期：{self.closed_on}")
        return lines

    @property
    def attachments(self) -> str:
        """The evidence files as official documents list attachments: 附件：1.整改台账.xlsx  2.……"""
        if not self.evidence:
            return ""
        if len(self.evidence) == 1:
            return f"附件：{self.evidence[0]}"
        return "附件：" + "  ".join(f"{n}.{name}" for n, name in enumerate(self.evidence, start=1))


@dataclass(frozen=True)
class NoticeDocument:
    """The text of a supervision notice in official-document form, ready to lay out."""

    number: str
    title: str
    addressee: str
    body: list[str]
    signature: str
    issued_on: dt.date
    reply: NoticeReply | None

    @property
    def date_text(self) -> str:
        return chinese_date(self.issued_on)


def notice_document(notice: SupervisionNotice) -> NoticeDocument:
    """The notice's text: what the issuer asked of the unit and, when replied, the answer."""
    reply = None
    if notice.replied_at is not None:
        closed = (chinese_date(timezone.localdate(notice.closed_at))
                  if notice.status == NoticeStatus.CLOSED and notice.closed_at else None)
        reply = NoticeReply(unit=notice.organization.name,
                            replied_on=chinese_date(timezone.localdate(notice.replied_at)),
                            late=notice.replied_late, paragraphs=_paragraphs(notice.reply_text),
                            evidence=[evidence.name for evidence in notice.evidence.order_by("id")],
                            closed_on=closed)
    body = [f"现就你单位承担的“{notice.item.title}”任务下发督办通知，督办事由如下：",
            *_paragraphs(notice.reason),
            f"请于{chinese_date(notice.reply_due)}前将办理情况书面回复{notice.issuer.name}。"]
    return NoticeDocument(number=notice.number, title=TITLE, addressee=notice.organization.name, body=body,
                          signature=notice.issuer.name, issued_on=timezone.localdate(notice.issued_at), reply=reply)


def notice_docx(document: NoticeDocument) -> bytes:
    """The notice as a .docx in official-document form (GB/T 9704)."""
    doc = OfficialDocument()
    doc.document_number(document.number)
    doc.title(document.title)
    doc.addressee(document.addressee)
    for paragraph in document.body:
        doc.paragraph(paragraph)
    doc.signature(document.signature, document.issued_on)
    reply = document.reply
    if reply is not None:
        doc.section_title(reply.title)
        for paragraph in [*reply.particulars, *reply.paragraphs]:
            doc.paragraph(paragraph)
        if reply.attachments:
            doc.paragraph(reply.attachments)
    return doc.to_bytes()


def notice_export(*, by, notice: SupervisionNotice) -> tuple[str, bytes]:
    """The notice as a .docx for a user who may see it (404 otherwise, as its page), audited as
    an export. Returns (file name, content)."""
    require_code(by, "plan.view")
    notice = access_object(SupervisionNotice.objects.select_related("item", "organization", "issuer"), by,
                           "plan.view", pk=notice.pk)
    content = notice_docx(notice_document(notice))
    with transaction.atomic():
        audit_record(action="export", by=by, obj=notice, new={"format": "docx"},
                     detail=_("Downloaded the supervision notice as a Word document."))
    return f"{notice.number}.docx", content
