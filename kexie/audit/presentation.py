"""How audit rows read: the codes the trail stores, shown through labels in the user's language.

A row keeps codes (the action code, the audited model's field names, raw values such as status
codes, booleans, dates in ISO form and the ids of related objects) so that its hash never depends
on a language or on a name that changes later. Whoever shows rows to a person (the log page, a
record's detail, the Excel export) goes through :class:`AuditPresenter`: one set of rules for all.

Values are looked up on the audited model's own field of that name first (its verbose name, its
choices, its type, the object a foreign key points to); keys that are not fields of the model
borrow a field elsewhere (``KEY_FIELDS``) or have a label here (``KEY_LABELS``). The names of
related objects are fetched in one query per related model for a whole batch of rows. Personal
data inside the text is masked on the way out; the stored rows are never changed.
"""

import re
from collections import defaultdict

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from kexie.core.masking import mask_text

from .models import AuditLog

# Jobs and commands write rows under this name, with no user id.
SYSTEM_USERNAME = "system"

# Object types that are not models.
OBJECT_TYPE_LABELS = {
    "backup": pgettext_lazy("audit object", "Database backup"),
}

# Fixed details written by the sign-in and security services: English phrases used as codes.
DETAIL_LABELS = {
    "idle timeout": pgettext_lazy("audit detail", "Signed out after the idle timeout"),
    "temporary password set": pgettext_lazy("audit detail", "Temporary password set"),
    "password changed": pgettext_lazy("audit detail", "Password changed"),
    "second factor enrolment started": pgettext_lazy("audit detail", "Second-factor enrolment started"),
    "second factor enrolled": pgettext_lazy("audit detail", "Second factor enrolled"),
    "second factor verified": pgettext_lazy("audit detail", "Second factor verified"),
    "second factor reset": pgettext_lazy("audit detail", "Second factor reset"),
    "wrong second-factor code": pgettext_lazy("audit detail", "Wrong second-factor code"),
    "account unlocked": pgettext_lazy("audit detail", "Account unlocked"),
    "API token created": pgettext_lazy("audit detail", "API token created"),
    "API token revoked": pgettext_lazy("audit detail", "API token revoked"),
    "API token": pgettext_lazy("audit detail", "Signed in with an API token"),
    "locked": pgettext_lazy("audit detail", "Account locked after repeated failures"),
    "account disabled": pgettext_lazy("audit detail", "Account disabled"),
    "wrong username or password": pgettext_lazy("audit detail", "Wrong username or password"),
    "locked (API)": pgettext_lazy("audit detail", "Account locked after repeated failures (API)"),
    "account disabled (API)": pgettext_lazy("audit detail", "Account disabled (API)"),
    "wrong username or password (API)": pgettext_lazy("audit detail", "Wrong username or password (API)"),
}

# Keys that are not fields of the audited model but mean the same as a field elsewhere: its
# label, choices, type and related model apply ("app_label.model.field").
KEY_FIELDS = {
    "colour": "tracking.tasksnapshot.colour",
    "organization": "plans.plan.organization",
    "organizations": "accounts.role.custom_organizations",
    "supervising_body": "societies.societyprofile.supervising_body",
    "parent": "organizations.organization.parent",
    "plan": "plans.planalignment.plan",
    "upper_plan": "plans.planalignment.upper_plan",
    "previous": "plans.plan.previous",
    "item": "plans.itemalignment.item",
    "application": "selection.objection.application",
    "on_notice": "selection.objection.application",
    "round": "selection.application.round",
    "society": "selection.application.society",
    "rubric": "evaluation.dimension.rubric",
    "from": "evaluation.dimension.rubric",
    "dimension": "evaluation.indicator.dimension",
    "expert": "selection.panelmember.expert",
    "user": "accounts.position.user",
    "due": "plans.planitem.due",
    "deadline": "selection.flagdecision.deadline",
    "kind": "organizations.organization.kind",
    "region": "organizations.organization.region_code",
    "frequency": "tracking.trackingpolicy.frequency",
    "filing_days": "tracking.trackingpolicy.filing_days",
    "amber_gap": "tracking.trackingpolicy.amber_gap",
    "red_gap": "tracking.trackingpolicy.red_gap",
    "grades": "evaluation.rubric.grade_thresholds",
    "action": "selection.flagdecision.action",
    "note": "selection.flagdecision.note",
}

# Labels of keys that are not fields (counts, filters, file names ...), and of borrowed fields
# whose own label would not fit.
KEY_LABELS = {
    "accepted": pgettext_lazy("audit value", "accepted"),
    "application": pgettext_lazy("audit value", "application"),
    "average": pgettext_lazy("audit value", "average score"),
    "on_notice": pgettext_lazy("audit value", "on public notice"),
    "rank": pgettext_lazy("audit value", "rank"),
    "ranking": pgettext_lazy("audit value", "ranking"),
    "attachments": pgettext_lazy("audit value", "attachments"),
    "day": pgettext_lazy("audit value", "day"),
    "dimension": pgettext_lazy("audit value", "dimension"),
    "escalated": pgettext_lazy("audit value", "escalated to the unit's head"),
    "mails": pgettext_lazy("audit value", "e-mails"),
    "notifications": pgettext_lazy("audit value", "notifications"),
    "reminded": pgettext_lazy("audit value", "reminded"),
    "snapshot": pgettext_lazy("audit value", "snapshot time"),
    "urged": pgettext_lazy("audit value", "urged"),
    "grade": pgettext_lazy("audit value", "grade"),
    "id_number": pgettext_lazy("audit value", "ID number"),
    "label": pgettext_lazy("audit value", "name"),
    "members": pgettext_lazy("audit value", "members"),
    "minimum": pgettext_lazy("audit value", "minimum score"),
    "per_unit": pgettext_lazy("audit value", "points per unit"),
    "points": pgettext_lazy("audit value", "points"),
    "round": pgettext_lazy("audit value", "selection round"),
    "rubric": pgettext_lazy("audit value", "rubric"),
    "score": pgettext_lazy("audit value", "score"),
    "scores": pgettext_lazy("audit value", "scores"),
    "actuals": pgettext_lazy("audit value", "actual values"),
    "changed": pgettext_lazy("audit value", "changed"),
    "claims": pgettext_lazy("audit value", "claimed points"),
    "closed": pgettext_lazy("audit value", "closed"),
    "comment": pgettext_lazy("audit value", "comment"),
    "completed": pgettext_lazy("audit value", "completed"),
    "count": pgettext_lazy("audit value", "count"),
    "created": pgettext_lazy("audit value", "created"),
    "cutoff": pgettext_lazy("audit value", "cut-off time"),
    "cycles": pgettext_lazy("audit value", "reporting cycles"),
    "deleted": pgettext_lazy("audit value", "deleted"),
    "dissolve": pgettext_lazy("audit value", "dissolve"),
    "edit": pgettext_lazy("audit value", "edit"),
    "eligible": pgettext_lazy("audit value", "eligible"),
    "evaluations": pgettext_lazy("audit value", "evaluations"),
    "evidence": pgettext_lazy("audit value", "evidence files"),
    "expert_name": pgettext_lazy("audit value", "expert's name"),
    "file": pgettext_lazy("audit value", "file"),
    "filters": pgettext_lazy("audit value", "filters"),
    "format": pgettext_lazy("audit value", "format"),
    "from": pgettext_lazy("audit value", "from version"),
    "group": pgettext_lazy("audit value", "peer group"),
    "ids": pgettext_lazy("audit value", "record ids"),
    "items": pgettext_lazy("audit value", "items"),
    "kept": pgettext_lazy("audit value", "kept"),
    "last_deleted_id": pgettext_lazy("audit value", "last deleted record"),
    "late": pgettext_lazy("audit value", "late"),
    "mapping": pgettext_lazy("audit value", "unit mapping"),
    "meeting_date": pgettext_lazy("audit value", "meeting date"),
    "open": pgettext_lazy("audit value", "open"),
    "opened": pgettext_lazy("audit value", "opened"),
    "organizations": pgettext_lazy("audit value", "organisations"),
    "part": pgettext_lazy("audit value", "part"),
    "percent": pgettext_lazy("audit value", "percent complete"),
    "q": pgettext_lazy("audit value", "keywords"),
    "reason": pgettext_lazy("audit value", "reason"),
    "recomputed": pgettext_lazy("audit value", "recomputed"),
    "refiled": pgettext_lazy("audit value", "filed again"),
    "region": pgettext_lazy("audit value", "region"),
    "resolved": pgettext_lazy("audit value", "resolved"),
    "retention_days": pgettext_lazy("audit value", "days kept"),
    "roles": pgettext_lazy("audit value", "roles"),
    "rows": pgettext_lazy("audit value", "rows"),
    "shares": pgettext_lazy("audit value", "shares"),
    "slips": pgettext_lazy("audit value", "times deferred"),
    "societies": pgettext_lazy("audit value", "societies"),
    "sort": pgettext_lazy("audit value", "sort order"),
    "source": pgettext_lazy("audit value", "source"),
    "status": pgettext_lazy("audit value", "status"),
    "tables": pgettext_lazy("audit value", "tables"),
    "text": pgettext_lazy("audit value", "text"),
    "threshold": pgettext_lazy("audit value", "threshold"),
    "unaligned": pgettext_lazy("audit value", "lower tasks aligned to nothing"),
    "uncovered": pgettext_lazy("audit value", "upper tasks without a counterpart"),
    "under": pgettext_lazy("audit value", "under"),
    "unit": pgettext_lazy("audit value", "unit"),
    "updated": pgettext_lazy("audit value", "updated"),
    "version": pgettext_lazy("audit value", "version"),
    "year": pgettext_lazy("audit value", "year"),
}

# Values of these keys are codes of another model (not ids): key -> (model, field holding the code).
KEY_CODES = {
    "roles": ("accounts.role", "code"),
}

# Values of these keys are codes with labels kept in a dict elsewhere: key -> its dotted path.
KEY_CHOICES = {
    "permissions": "kexie.accounts.permissions.PERMISSIONS",
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?$")
SUMMARY_KEYS = 3
SUMMARY_TEXT = 40


def action_label(code: str) -> str:
    """The action's label (提交 for ``submit``); an unknown code is shown as it is."""
    try:
        return str(AuditLog.Action(code).label)
    except ValueError:
        return code


def object_type_label(label: str) -> str:
    """``organizations.organization`` -> the model's verbose name (组织), else the label itself."""
    if not label:
        return ""
    if label in OBJECT_TYPE_LABELS:
        return str(OBJECT_TYPE_LABELS[label])
    model = model_for(label)
    return str(model._meta.verbose_name) if model is not None else label


def model_for(label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _own_field(model, key: str):
    if model is None or not key:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if getattr(field, "concrete", False) or field.many_to_many else None


def _borrowed_field(key: str):
    reference = KEY_FIELDS.get(key)
    if not reference:
        return None
    app_label, model_name, field_name = reference.split(".")
    return _own_field(model_for(f"{app_label}.{model_name}"), field_name)


def field_for(model, key: str):
    """The model field that tells how ``key``'s values read: the audited model's own, else a
    borrowed one (``KEY_FIELDS``), else None."""
    return _own_field(model, key) or _borrowed_field(key)


def _labelled(field) -> bool:
    """Whether the field was given a translatable label (Django makes one from the name otherwise,
    a plain English string)."""
    return field is not None and isinstance(field.verbose_name, Promise)


def key_label(model, key: str) -> str:
    """The label of a recorded key in the user's language; the key itself when none is known."""
    own = _own_field(model, key)
    if _labelled(own):
        return str(own.verbose_name)
    if key in KEY_LABELS:
        return str(KEY_LABELS[key])
    borrowed = _borrowed_field(key)
    if _labelled(borrowed):
        return str(borrowed.verbose_name)
    return str(own.verbose_name) if own is not None else key


def yes_no(value: bool) -> str:
    return pgettext("audit value", "Yes") if value else pgettext("audit value", "No")


def _join(texts) -> str:
    return pgettext("list separator", ", ").join(text for text in texts if text)


def _pair(label: str, value: str) -> str:
    return pgettext("audit value", "%(key)s: %(value)s") % {"key": label, "value": value}


def date_text(value) -> str | None:
    """An ISO date or date-time written as the user's language writes dates, else None."""
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            day = parse_date(value)
            return date_format(day, "DATE_FORMAT") if day else None
        if _ISO_DATETIME.match(value):
            moment = parse_datetime(value)
            if moment is None:
                return None
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return date_format(moment, "DATETIME_FORMAT")
    return None


def _related(field):
    """(related model, field the values refer to) when ``field`` points at other rows."""
    if field is None or not field.is_relation or field.related_model is None:
        return None
    target = None if field.many_to_many else getattr(field, "target_field", None)
    if target is None or target.primary_key:
        return field.related_model, "pk"
    return field.related_model, target.attname


class AuditPresenter:
    """Audit rows as people read them, for one batch of rows (a page, a chunk of an export).

    Build it with the rows, then ask for each row's :meth:`record`. The names of related
    objects named in the rows' values are fetched once for the whole batch.
    """

    def __init__(self, rows):
        self.rows = list(rows)
        self._names: dict[tuple, dict] = {}
        self._collect_names()

    # --- related objects' names ------------------------------------------------------------

    def _reference(self, model, key: str):
        """(model, lookup field) whose rows the values of ``key`` name, or None."""
        if key in KEY_CODES:
            label, code_field = KEY_CODES[key]
            return model_for(label), code_field
        return _related(field_for(model, key))

    def _collect_names(self) -> None:
        wanted = defaultdict(set)

        def collect(model, values, depth=0):
            for key, value in values.items():
                nested = [value] if isinstance(value, dict) else [
                    item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
                if nested:
                    if depth == 0:  # e.g. an export's filters, a ranking's rows
                        for part in nested:
                            collect(model, part, depth + 1)
                    continue
                reference = self._reference(model, key)
                if reference is None or reference[0] is None:
                    continue
                for item in value if isinstance(value, list) else [value]:
                    if _usable(reference, item):
                        wanted[reference].add(str(item))

        for row in self.rows:
            model = model_for(row.object_type)
            for values in (row.old_values, row.new_values):
                if isinstance(values, dict):
                    collect(model, values)
        for (related, lookup), values in wanted.items():
            field_name = related._meta.pk.attname if lookup == "pk" else lookup
            found = related._base_manager.filter(**{f"{field_name}__in": sorted(values)})
            self._names[(related, lookup)] = {str(getattr(obj, field_name)): str(obj) for obj in found}

    def _name(self, reference, value) -> str:
        name = self._names.get(reference, {}).get(str(value))
        if name:
            return name
        return f"#{value}" if _usable(reference, value) and reference[1] == "pk" else str(value)

    # --- values ----------------------------------------------------------------------------

    def value_text(self, model, key: str, value) -> str:
        """One recorded value as text: choice labels, 是/否, dates as the language writes them,
        the names of related objects; not masked (see :meth:`changes`)."""
        if value is None or value == "":
            return ""
        field = field_for(model, key)
        reference = self._reference(model, key)
        if isinstance(value, list):
            if reference is not None and reference[0] is not None:
                return _join(self._name(reference, item) for item in value)
            return _join(self.value_text(model, key, item) if not isinstance(item, (list, dict))
                         else self._nested(model, item) for item in value)
        if isinstance(value, dict):
            return self._nested(model, value)
        if isinstance(value, bool):
            return yes_no(value)
        if key in KEY_CHOICES:
            return str(import_string(KEY_CHOICES[key]).get(value, value))
        if field is not None and field.choices:
            choices = {str(code): label for code, label in field.flatchoices}
            if str(value) in choices:
                return str(choices[str(value)])
        if reference is not None and reference[0] is not None:
            return self._name(reference, value)
        if isinstance(field, models.BooleanField) and value in (0, 1):
            return yes_no(bool(value))
        dated = date_text(value)
        if dated is not None:
            return dated
        return str(value)

    def _nested(self, model, value) -> str:
        if isinstance(value, list):
            return _join(self._nested(model, item) if isinstance(item, (dict, list)) else str(item) for item in value)
        return pgettext("audit value", "; ").join(
            _pair(key_label(model, str(key)), self.value_text(model, str(key), item))
            for key, item in value.items())

    def changes(self, row: AuditLog) -> list[dict]:
        """Old and new values side by side, one line per key, labelled and masked."""
        old, new = _as_dict(row.old_values), _as_dict(row.new_values)
        model = model_for(row.object_type)
        lines = []
        for key in dict.fromkeys([*old, *new]):
            lines.append({
                "key": key,
                "label": key_label(model, key) if key else "",
                "old": mask_text(self.value_text(model, key, old.get(key))),
                "new": mask_text(self.value_text(model, key, new.get(key))),
                "changed": old.get(key) != new.get(key),
            })
        return lines

    def summary(self, row: AuditLog, changes: list[dict] | None = None, *, limit: int | None = SUMMARY_KEYS,
                width: int | None = SUMMARY_TEXT) -> str:
        """The changed values on one line, e.g. ``名称：甲 → 乙；状态：正常``."""
        parts = []
        lines = [item for item in (changes if changes is not None else self.changes(row)) if item["old"] or item["new"]]
        for item in lines[:limit]:
            old, new = _cut(item["old"], width), _cut(item["new"], width)
            value = f"{old} → {new}" if old and new else (old or new)
            parts.append(_pair(item["label"], value) if item["label"] else value)
        return pgettext("audit value", "; ").join(parts)

    # --- whole rows ------------------------------------------------------------------------

    def record(self, row: AuditLog) -> dict:
        """Everything a page or an export shows of one row, in the user's language."""
        changes = self.changes(row)
        return {
            "row": row,
            "time": timezone.localtime(row.time),
            "username": _("System") if is_system(row) else mask_text(row.username),
            "organization": row.organization_name,
            "ip": row.ip,
            "action": action_label(row.action),
            "object_type": object_type_label(row.object_type),
            "object_id": row.object_id,
            "object_repr": mask_text(row.object_repr),
            "result": _("Succeeded") if row.success else _("Failed"),
            "detail": mask_text(detail_text(row)),
            "changes": changes,
            "summary": self.summary(row, changes),
        }

    def records(self) -> list[dict]:
        return [self.record(row) for row in self.rows]


def is_system(row: AuditLog) -> bool:
    return row.user_id is None and row.username == SYSTEM_USERNAME


def detail_text(row: AuditLog) -> str:
    """The row's detail: a fixed phrase through its label, a field name (unmasking) through the
    field's label, anything else as written."""
    if row.detail in DETAIL_LABELS:
        return str(DETAIL_LABELS[row.detail])
    if row.action == AuditLog.Action.UNMASK and row.detail:
        own = _own_field(model_for(row.object_type), row.detail)
        if own is not None:
            return str(own.verbose_name)
    return row.detail


def _usable(reference, value) -> bool:
    """Whether ``value`` can name a row of the reference: ids must be whole numbers (an import's
    item numbers such as "1.2" are not ids), codes non-empty text."""
    if isinstance(value, bool) or value in (None, ""):
        return False
    if reference[1] == "pk":
        return isinstance(value, int) or (isinstance(value, str) and value.isdigit())
    return isinstance(value, str)


def _as_dict(values) -> dict:
    if isinstance(values, dict):
        return values
    return {} if values is None else {"": values}


def _cut(text: str, width: int | None) -> str:
    if width is None or len(text) <= width:
        return text
    return text[:width] + "…"
