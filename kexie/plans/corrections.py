"""Corrections to the ledger from its edited Excel sheet: checked as a dry run, then applied.

``corrections_check`` reads the rows (from ``ledger_excel.sheet_rows``) against the database and
lists, per row, what would change and what is wrong; it writes nothing. ``corrections_apply``
checks again under row locks and applies every change in one transaction with an audit row per
item — or, if any row is wrong, saves nothing and raises ``CorrectionsRejected``.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from kexie.audit.services import audit_record
from kexie.core.excel import FORMULA_PREFIXES
from kexie.organizations.models import Organization

from .ledger_excel import COLUMNS, UNASSIGNED_MARK, unit_label
from .models import TRACKED_KINDS, Assignment, AssignmentRole, ItemStatus, PlanItem, Target
from .selectors import target_value
from .services import assignable_organizations

_LABELS = {key: label for key, label, sub, _width in COLUMNS}
_SUB_LABELS = {key: sub for key, label, sub, _width in COLUMNS if sub}
_UNIT_SPLIT = re.compile(r"[、，,;；\n]+")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_NUMBER = r"(\d+(?:\.\d+)?)"


def column_label(key: str) -> str:
    return str(_SUB_LABELS.get(key) or _LABELS[key])


@dataclass
class Change:
    column: str          # column key
    old: str
    new: str

    @property
    def label(self) -> str:
        return column_label(self.column)


@dataclass
class RowResult:
    """One sheet row: the item it names, what would change, what is wrong."""

    row: int
    key: str = ""
    title: str = ""
    item: PlanItem | None = None
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    apply: dict = field(default_factory=dict)  # what to write, computed with the changes

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class CorrectionReport:
    rows: list[RowResult]

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def changed(self) -> list[RowResult]:
        return [r for r in self.rows if r.changes and not r.errors]

    @property
    def ok(self) -> bool:
        return not self.errors


class CorrectionsRejected(Exception):
    """Some rows of the sheet are wrong; nothing was saved."""

    def __init__(self, report: CorrectionReport):
        super().__init__("ledger corrections have errors")
        self.report = report


def _text(value) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    # The export makes formula-like text inert with a leading quote; reading back takes it off.
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        text = text[1:]
    return text


def _status_names() -> dict[str, str]:
    names = {}
    for value, label in ItemStatus.choices:
        names[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names[str(label).strip().lower()] = value
    return names


def parse_date(value):
    """A deadline cell: an Excel date, 2026-06-30, 2026/6/30 or 2026年6月30日; None when empty.
    Raises ValueError for anything else."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10]) if re.match(r"^\d{4}-\d{2}-\d{2}", text) else _date_words(text)
    except ValueError:
        raise ValueError(text) from None


def _date_words(text: str) -> dt.date:
    match = _DATE.match(text)
    if not match:
        raise ValueError(text)
    return dt.date(int(match[1]), int(match[2]), int(match[3]))


def parse_target_value(text: str) -> tuple[Decimal | None, Decimal | None]:
    """“≥20”, “20以上”, “不少于20” → (20, None); “10” → (10, 10); “3–5”, “3-5”, “3至5” → (3, 5);
    “≤5” → (None, 5). Raises ValueError for anything else."""
    text = text.strip().replace(" ", "").replace("，", "").replace(",", "")
    patterns = [
        (rf"^(?:≥|>=|＞=|不少于|至少|超过|>|＞)?{_NUMBER}(?:以上|及以上)$", "min"),
        (rf"^(?:≥|>=|不少于|至少|超过|>|＞){_NUMBER}$", "min"),
        (rf"^(?:≤|<=|不超过|不多于|<|＜){_NUMBER}$", "max"),
        (rf"^{_NUMBER}(?:以下|以内)$", "max"),
        (rf"^{_NUMBER}(?:左右)?$", "exact"),
        (rf"^{_NUMBER}\s*(?:–|—|-|~|～|至|到){_NUMBER}$", "range"),
    ]
    for pattern, kind in patterns:
        match = re.match(pattern, text)
        if not match:
            continue
        if kind == "exact":
            if re.match(rf"^{_NUMBER}$", text) or text.endswith("左右"):
                value = Decimal(match[1])
                return value, value
        elif kind == "min":
            if text[0].isdigit() and not text.endswith(("以上", "及以上")):
                continue
            return Decimal(match[1]), None
        elif kind == "max":
            return None, Decimal(match[1])
        else:
            low, high = Decimal(match[1]), Decimal(match[2])
            if low > high:
                raise ValueError(text)
            return low, high
    raise ValueError(text)


def _lines(value) -> list[str]:
    text = _text(value)
    return [line.strip() for line in text.split("\n")] if text else []


class _Units:
    """Resolves unit names typed in the sheet to organisations, as a plan's owner may assign them."""

    def __init__(self, user):
        self.user, self.cache = user, {}

    def candidates(self, owner: Organization) -> list[Organization]:
        if owner.pk not in self.cache:
            self.cache[owner.pk] = list(assignable_organizations(user=self.user, owner=owner))
        return self.cache[owner.pk]

    def resolve(self, name: str, owner: Organization) -> list[Organization]:
        found = [o for o in self.candidates(owner) if name in (o.name, o.short_name, *(o.aliases or []))]
        # Prefer the owner's own departments when a short name is shared further away.
        own = [o for o in found if o.parent_id == owner.pk or o.pk == owner.pk]
        return own if len(own) == 1 else found


def _unit_changes(result: RowResult, item: PlanItem, role: str, cell, units: _Units) -> None:
    key = "lead" if role == AssignmentRole.LEAD else "co"
    current = [a for a in item.assignments.all() if a.role == role]
    old_text = "、".join(unit_label(a) for a in current)
    names = [n.strip() for n in _UNIT_SPLIT.split(_text(cell)) if n.strip()]
    if "、".join(names) == old_text:
        return
    by_label = {unit_label(a): a for a in current}
    mark = str(UNASSIGNED_MARK)
    wanted = []  # (unit name as written, organisation id or None)
    for name in names:
        if name in by_label:
            a = by_label[name]
            wanted.append((a.unit_name, a.organization_id))
            continue
        if name.endswith((mark, "（未指定）", "(not assigned)")):
            bare = name.rsplit("（", 1)[0].rsplit("(", 1)[0].strip()
            if bare:
                wanted.append((bare, None))
                continue
        matches = units.resolve(name, item.plan.organization)
        if len(matches) == 1:
            wanted.append((name, matches[0].pk))
        elif matches:
            result.errors.append(_("Column “%(column)s”: “%(name)s” names more than one organisation; write its "
                                   "full name.") % {"column": column_label(key), "name": name})
        else:
            result.errors.append(_("Column “%(column)s”: no organisation “%(name)s” within your data scope.")
                                 % {"column": column_label(key), "name": name})
    unique = list(dict.fromkeys(wanted))
    result.changes.append(Change(key, old_text, "、".join(names)))
    result.apply[key] = unique


def _target_changes(result: RowResult, item: PlanItem, row: dict) -> None:
    targets = list(item.targets.all())
    present = [k for k in ("metric", "value", "unit") if k in row]
    if not present:
        return
    lines = {k: _lines(row.get(k)) for k in present}
    updates = [{} for _t in targets]
    for key in present:
        values = lines[key]
        old = [t.metric if key == "metric" else t.unit if key == "unit" else target_value(t) for t in targets]
        if values == old:
            continue
        if len(values) != len(targets):
            if not targets:
                result.errors.append(_("Column “%(column)s”: this item has no targets; targets cannot be added in "
                                       "the sheet.") % {"column": column_label(key)})
            else:
                result.errors.append(_("Column “%(column)s”: the item has %(count)d targets, one per line; the cell "
                                       "has %(lines)d lines.") % {"column": column_label(key), "count": len(targets),
                                                                   "lines": len(values)})
            continue
        for index, (before, after) in enumerate(zip(old, values)):
            if before == after:
                continue
            if key == "value":
                try:
                    low, high = parse_target_value(after)
                except ValueError:
                    result.errors.append(_("Column “%(column)s”: “%(value)s” is not a number or a range (e.g. 10, "
                                           "≥20, 3–5).") % {"column": column_label(key), "value": after})
                    continue
                updates[index].update(min_value=low, max_value=high)
            elif key == "metric":
                if len(after) > 200:
                    result.errors.append(_("Column “%(column)s”: at most %(max)d characters.")
                                         % {"column": column_label(key), "max": 200})
                    continue
                updates[index]["metric"] = after
            else:
                if len(after) > 20:
                    result.errors.append(_("Column “%(column)s”: at most %(max)d characters.")
                                         % {"column": column_label(key), "max": 20})
                    continue
                updates[index]["unit"] = after
        result.changes.append(Change(key, "\n".join(old), "\n".join(values)))
    if any(updates):
        result.apply["targets"] = [(t.pk, u) for t, u in zip(targets, updates) if u]


def _check_row(row: dict, item: PlanItem, units: _Units, statuses: dict) -> RowResult:
    result = RowResult(row=row["row"], key=item.key, title=item.title, item=item)
    if "title" in row:
        title = _text(row["title"])
        if not title:
            result.errors.append(_("Column “%(column)s”: the title cannot be empty.") % {"column": column_label("title")})
        elif len(title) > 500:
            result.errors.append(_("Column “%(column)s”: at most %(max)d characters.")
                                 % {"column": column_label("title"), "max": 500})
        elif title != item.title:
            result.changes.append(Change("title", item.title, title))
            result.apply["title"] = title
    if "due" in row:
        try:
            due = parse_date(row["due"])
        except ValueError:
            result.errors.append(_("Column “%(column)s”: “%(value)s” is not a date (e.g. 2026-06-30).")
                                 % {"column": column_label("due"), "value": _text(row["due"])})
        else:
            if due != item.due:
                result.changes.append(Change("due", item.due.isoformat() if item.due else "",
                                             due.isoformat() if due else ""))
                result.apply["due"] = due
    if "status" in row:
        text = _text(row["status"])
        status = statuses.get(text.lower()) if text else None
        if text and status is None:
            result.errors.append(_("Column “%(column)s”: unknown status “%(value)s”; use one of: %(choices)s.")
                                 % {"column": column_label("status"), "value": text,
                                    "choices": "、".join(str(label) for _v, label in ItemStatus.choices)})
        elif status and status != item.status:
            result.changes.append(Change("status", item.get_status_display(), str(ItemStatus(status).label)))
            result.apply["status"] = status
    for role, key in ((AssignmentRole.LEAD, "lead"), (AssignmentRole.CO, "co")):
        if key in row:
            _unit_changes(result, item, role, row[key], units)
    _target_changes(result, item, row)
    return result


def _items_for(rows: list[dict], *, user, plan, lock: bool) -> tuple[dict, dict]:
    """The items the rows name, by id and by (plan id, key), within the user's plan.change scope."""
    items = PlanItem.objects.restrict(user, "plan.change")
    if plan is not None:
        items = items.filter(plan=plan)
    ids = {int(r["id"]) for r in rows if str(r.get("id") or "").strip().isdigit()}
    keys = {_text(r.get("key")) for r in rows if _text(r.get("key"))}
    if lock:
        items = items.select_for_update(of=("self",))
    wanted = items.filter(pk__in=ids)
    if plan is not None:
        wanted = wanted | items.filter(key__in=keys)
    found = list(wanted.select_related("plan__organization").prefetch_related(
        "targets", "assignments__organization"))
    return {i.pk: i for i in found}, {(i.plan_id, i.key): i for i in found}


def corrections_check(*, user, rows: list[dict], plan=None, lock: bool = False) -> CorrectionReport:
    """What the corrected sheet would change, row by row, and the errors that prevent it.

    With ``plan``, rows are matched by 序号 within that plan (or by 系统编号 among its items);
    without, by 系统编号 among every item the user may change. Writes nothing.
    """
    by_id, by_key = _items_for(rows, user=user, plan=plan, lock=lock)
    units, statuses = _Units(user), _status_names()
    results, seen = [], {}
    for row in rows:
        key, raw_id = _text(row.get("key")), str(row.get("id") or "").strip()
        if not key and not raw_id:
            continue  # a plan's title row between groups
        item = None
        if raw_id.isdigit():
            item = by_id.get(int(raw_id))
        elif plan is not None:
            item = by_key.get((plan.pk, key))
        if item is None:
            result = RowResult(row=row["row"], key=key, title=_text(row.get("title")))
            if raw_id:
                result.errors.append(_("Column “%(column)s”: no item with system ID “%(value)s” that you may "
                                       "change.") % {"column": column_label("id"), "value": raw_id})
            elif plan is None:
                result.errors.append(_("Column “%(column)s”: empty; a sheet of several plans needs the system ID "
                                       "of each row as exported.") % {"column": column_label("id")})
            else:
                result.errors.append(_("Column “%(column)s”: no item numbered “%(value)s” in this plan.")
                                     % {"column": column_label("key"), "value": key})
            results.append(result)
            continue
        if item.kind not in TRACKED_KINDS:
            continue  # a section's group row
        if item.pk in seen:
            result = RowResult(row=row["row"], key=item.key, title=item.title, item=item)
            result.errors.append(_("The item is also on row %(row)d; keep one row per item.") % {"row": seen[item.pk]})
            results.append(result)
            continue
        seen[item.pk] = row["row"]
        results.append(_check_row(row, item, units, statuses))
    return CorrectionReport(results)


@transaction.atomic
def corrections_apply(*, by, rows: list[dict], plan=None, source_name: str = "") -> CorrectionReport:
    """Apply a corrected ledger sheet: every change of every row, or nothing.

    One audit row per changed item (old and new values of the changed columns) and one for the
    import as a whole. Raises ``CorrectionsRejected`` when any row is wrong.
    """
    report = corrections_check(user=by, rows=rows, plan=plan, lock=True)
    if not report.ok:
        raise CorrectionsRejected(report)
    for result in report.changed:
        item, apply = result.item, result.apply
        fields = [name for name in ("title", "due", "status") if name in apply]
        for name in fields:
            setattr(item, name, apply[name])
        if fields:
            item.save(update_fields=[*fields, "updated_at"])
        for role, key in ((AssignmentRole.LEAD, "lead"), (AssignmentRole.CO, "co")):
            if key in apply:
                Assignment.objects.filter(item=item, role=role).delete()
                Assignment.objects.bulk_create([
                    Assignment(item=item, role=role, unit_name=name[:200], organization_id=org_id)
                    for name, org_id in apply[key]])
        for target_id, values in apply.get("targets", []):
            Target.objects.filter(pk=target_id, item=item).update(**values)
        audit_record(action="update", by=by, obj=item,
                     old={c.column: c.old for c in result.changes}, new={c.column: c.new for c in result.changes},
                     detail=_("Ledger correction from %(file)s, row %(row)d.") % {"file": source_name,
                                                                                 "row": result.row})
    # A corrected deadline, status or unit changes the task's light and those above it: at once.
    from kexie.tracking.services import tasks_refresh

    tasks_refresh(items=[result.item for result in report.changed])
    audit_record(action="import", by=by, object_type=PlanItem._meta.label_lower,
                 object_id=str(plan.pk) if plan else "", object_repr=(str(plan) if plan else source_name)[:300],
                 new={"file": source_name, "rows": len(report.rows), "changed": len(report.changed)},
                 detail=_("Ledger corrections: %(count)d items changed.") % {"count": len(report.changed)})
    return report
