"""Writes of the dashboards: the export of one part as a workbook, audited like every export."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kexie.audit.services import audit_record
from kexie.core.excel import write_workbook

from . import selectors, tables


def dashboard_export(*, by, organization, part: str, plan=None, today=None) -> tuple[str, Workbook]:
    """One part of ``organization``'s dashboard (a key of ``tables.PARTS``) with every row, as
    (file name, workbook); Http404 when the organisation or plan is outside ``by``'s scope."""
    if by is None or not by.has_code(selectors.CODE):
        raise PermissionDenied(_("You do not have permission to do this."))
    if part not in tables.PARTS:
        raise ValueError(f"unknown dashboard part: {part}")
    today = today or timezone.localdate()
    dashboard = selectors.dashboard_for(user=by, organization=organization, plan=plan, today=today)
    table = tables.table(dashboard, part)
    heading = f"{dashboard.organization} {table.title}（{today:%Y-%m-%d}）"
    workbook = write_workbook(headers=table.headers, rows=table.rows, title=heading, sheet_name=table.title)
    with transaction.atomic():
        audit_record(action="export", by=by, object_type="organizations.organization",
                     object_id=dashboard.organization_id, object_repr=heading[:300],
                     new={"part": part, "plan": dashboard.plan_id, "rows": len(table.rows)})
    return f"{dashboard.organization}{table.title}.xlsx", workbook
