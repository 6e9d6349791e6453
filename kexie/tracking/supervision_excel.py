"""The supervision notices list as an Excel sheet (督办单台账), written with the core helpers."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy
from openpyxl import Workbook

from kexie.audit.services import audit_record
from kexie.core.excel import write_workbook

from .models import NoticeStatus, SupervisionNotice

# The model's label of "overdue" shares its msgid with the ledger's overdue tasks; the pages name
# the four states of a notice in a context of their own.
STATUS_LABELS = {NoticeStatus.ISSUED: pgettext_lazy("supervision notice", "Issued"),
                 NoticeStatus.OVERDUE: pgettext_lazy("supervision notice", "Overdue"),
                 NoticeStatus.REPLIED: pgettext_lazy("supervision notice", "Replied"),
                 NoticeStatus.CLOSED: pgettext_lazy("supervision notice", "Closed")}


def _status_label(notice: SupervisionNotice, today: dt.date) -> str:
    return str(STATUS_LABELS[notice.status_on(today)])


def notices_export(*, by, notices, filters: dict, today: dt.date, title: str) -> Workbook:
    """The workbook of ``notices`` (already scoped to ``plan.export`` and filtered), one row per
    notice; the export is audited with its filters and row count."""
    notices = list(notices.select_related("item", "organization", "issuer"))
    headers = [_("Notice number"), _("Task"), _("Supervised unit"), _("Issuing organisation"),
               _("Reason for supervision"), _("Reply deadline"), pgettext("supervision notice", "Status"),
               _("Replied at"), _("Replied late"), _("Reply")]
    rows = [[
        notice.number, notice.item.title, notice.organization.name, notice.issuer.name, notice.reason,
        notice.reply_due, _status_label(notice, today),
        timezone.localtime(notice.replied_at).strftime("%Y-%m-%d %H:%M") if notice.replied_at else "",
        _("yes") if notice.replied_late else "", notice.reply_text,
    ] for notice in notices]
    workbook = write_workbook(title=title, headers=headers, rows=rows, sheet_name=_("Supervision notices"))
    for row in workbook.active.iter_rows(min_col=6, max_col=6):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    with transaction.atomic():
        audit_record(action="export", by=by, object_type=SupervisionNotice._meta.label_lower, object_repr=title[:300],
                     new={"filters": filters, "count": len(notices)},
                     detail=_("Exported %(count)d supervision notices.") % {"count": len(notices)})
    return workbook

