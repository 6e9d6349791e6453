"""The audit log as an Excel sheet: the rows the filters select, as the log page shows them."""

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kexie.core.excel import write_workbook

from .models import AuditLog
from .presentation import AuditPresenter
from .services import audit_record

# The sheet is built in memory: a wider search is refused with a message to narrow it down.
EXPORT_MAX_ROWS = 20000
# Rows are labelled in batches, so the names of related objects cost one query per batch.
BATCH = 1000


class ExportTooLarge(Exception):
    """The filters select more rows than one export may hold."""

    def __init__(self, count: int, limit: int):
        super().__init__(f"{count} rows, at most {limit}")
        self.count, self.limit = count, limit


def _headers() -> list[str]:
    return [_("Time"), _("User"), _("Organisation"), _("IP address"), _("Action"), _("Object type"),
            _("Object ID"), _("Object"), _("Changes"), _("Result"), _("Detail")]


def _rows(ids: list[int]):
    for start in range(0, len(ids), BATCH):
        chunk = AuditLog.objects.filter(pk__in=ids[start:start + BATCH]).order_by("-id")
        presenter = AuditPresenter(chunk)
        for record in presenter.records():
            yield [record["time"].replace(tzinfo=None), record["username"], record["organization"], record["ip"],
                   record["action"], record["object_type"], record["object_id"], record["object_repr"],
                   presenter.summary(record["row"], record["changes"], limit=None, width=None),
                   record["result"], record["detail"]]


def audit_log_export(*, by, rows, filters: dict, title: str) -> Workbook:
    """The workbook of ``rows`` (already restricted to ``audit.view`` and filtered), newest first,
    labelled in the user's language; the export itself is audited with its filters and count.

    Raises :class:`ExportTooLarge` when the rows are more than :data:`EXPORT_MAX_ROWS`.
    """
    ids = list(rows.values_list("pk", flat=True)[:EXPORT_MAX_ROWS + 1])
    if len(ids) > EXPORT_MAX_ROWS:
        raise ExportTooLarge(rows.count(), EXPORT_MAX_ROWS)
    count = len(ids)
    workbook = write_workbook(title=title, headers=_headers(), rows=_rows(ids), sheet_name=_("Audit log"),
                              widths=[20, 14, 20, 16, 14, 14, 10, 30, 60, 8, 40])
    sheet = workbook.active
    for (cell,) in sheet.iter_rows(min_row=3, min_col=1, max_col=1):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    with transaction.atomic():
        audit_record(action=AuditLog.Action.EXPORT, by=by, object_type=AuditLog._meta.label_lower,
                     object_repr=title[:300], new={"filters": filters, "count": count},
                     detail=_("Exported %(count)d audit records.") % {"count": count})
    return workbook
