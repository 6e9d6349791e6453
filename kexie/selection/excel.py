"""The four-batch flags as an Excel sheet, written with the core helpers."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook

from kexie.audit.services import audit_record
from kexie.core.excel import write_workbook

from .models import SocietyFlag


def facts_text(facts: dict) -> str:
    """The facts that fired, one "what: value" per part: ``2024：未参检；2025：未报年报``."""
    return "；".join(f"{key}：{value}" for key, value in (facts or {}).items())


def flags_export(*, by, flags, filters: dict, title: str) -> Workbook:
    """The workbook of ``flags`` (already scoped and filtered), one row per flag with its latest
    decision; the export is audited with its filters and row count."""
    flags = list(flags.select_related("society__organization", "rule").prefetch_related("decisions"))
    headers = [_("Society"), _("Kind"), _("Rule"), _("Facts that fired"), _("Year"),
               pgettext("four-batch flag", "Status"), _("Flagged at"), pgettext("four-batch", "Decision"), _("Deadline"), _("Note")]
    rows = []
    for flag in flags:
        decision = max(flag.decisions.all(), key=lambda d: d.pk, default=None)
        rows.append([
            flag.society.organization.name, flag.rule.get_kind_display(), flag.rule.name, facts_text(flag.facts),
            flag.year, flag.get_status_display(), timezone.localtime(flag.flagged_at).strftime("%Y-%m-%d"),
            decision.get_action_display() if decision else "",
            decision.deadline.isoformat() if decision and decision.deadline else "",
            decision.note if decision else ""])
    workbook = write_workbook(title=title, headers=headers, rows=rows, sheet_name=_("Four-batch flags"))
    with transaction.atomic():
        audit_record(action="export", by=by, object_type=SocietyFlag._meta.label_lower, object_repr=title[:300],
                     new={"filters": filters, "count": len(flags)},
                     detail=_("Exported %(count)d four-batch flags.") % {"count": len(flags)})
    return workbook
