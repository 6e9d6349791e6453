"""Searchable pickers of persons and staff accounts, for scopes too large for a ``<select>``.

A form field (``PersonChoiceField``, ``PersonMultipleChoiceField``, ``StaffChoiceField``) keeps
its queryset as the validation source, but its widget renders only the chosen option(s) and a
search box. Typing asks ``people:pick`` for at most ``PICK_LIMIT`` matches.

The endpoint never takes a queryset from the browser: apps register named pickers
(``register_picker("visits.person", persons_for)``), each a function of the user (and of a few
parameters the form fixes, e.g. a call's nominating organisations) returning the same queryset the
form validates against. The field sends the name, or a signed token of the name and its
parameters, so a user can only ever search what they could pick in that form.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .dedupe import fold
from .models import Person, Position

PICK_LIMIT = 20
TOKEN_SALT = "kexie.people.picker"
PERSON, STAFF = "person", "staff"


@dataclass(frozen=True)
class Picker:
    """A registered picker: what it lists (``PERSON`` or ``STAFF``) and the queryset function,
    called as ``queryset(user, **params)``; ``params``: the parameters it needs from the form."""

    name: str
    queryset: Callable
    kind: str = PERSON
    params: tuple[str, ...] = ()


_PICKERS: dict[str, Picker] = {}


def register_picker(name: str, queryset: Callable, *, kind: str = PERSON, params: tuple[str, ...] = ()) -> Picker:
    """Register (or replace) the picker ``name``; returns it. Called when a forms module loads."""
    picker = Picker(name, queryset, kind, tuple(params))
    _PICKERS[name] = picker
    return picker


def picker_token(name: str, **params) -> str:
    """What a field sends as ``field``: the bare name for a picker without parameters, else a
    signed token of the name and its parameters (the browser cannot change them)."""
    if not params:
        return name
    return signing.dumps([name, params], salt=TOKEN_SALT, compress=True)


def resolve(field: str) -> tuple[Picker, dict]:
    """The picker and its parameters named by ``field`` (a name or a signed token); LookupError
    when it names no registered picker, the token is forged or parameters are missing."""
    field = (field or "").strip()
    if field in _PICKERS:
        name, params = field, {}
    else:
        try:
            name, params = signing.loads(field, salt=TOKEN_SALT)
        except (signing.BadSignature, ValueError, TypeError) as error:
            raise LookupError(field) from error
        if not isinstance(params, dict):
            raise LookupError(field)
    picker = _PICKERS.get(name)
    if picker is None or set(params) != set(picker.params):
        raise LookupError(field)
    return picker, params


# --- labels and search ----------------------------------------------------------------------------

def person_label(person) -> str:
    """A person as a picker shows them: the name with the first unit and the title, so that two
    persons of the same name can be told apart (never the ID number, even masked)."""
    units = [p.unit for p in person.positions.all()][:1]
    detail = " · ".join(part for part in [*units, person.title] if part)
    return f"{person.name}（{detail}）" if detail else person.name


def staff_label(user) -> str:
    """A staff account as a picker shows it: the full name (or user name) and its organisation."""
    name = user.full_name or user.username
    return f"{name}（{user.organization.name}）" if user.organization_id else name


def _with_positions(queryset):
    return queryset.prefetch_related(Prefetch("positions", queryset=Position.objects.select_related("organization")))


def search_persons(queryset, q: str):
    """Persons of ``queryset`` whose name, pinyin, pinyin initials or unit matches ``q``."""
    q = (q or "").strip()
    if not q:
        return queryset.none()
    match = Q(name__contains=q) | Q(positions__unit_name__contains=q) | Q(positions__organization__name__contains=q)
    key = fold(q)
    if key:  # punctuation alone folds to nothing, which every name would contain
        match |= Q(name_key__contains=key) | Q(name_pinyin__startswith=key) | Q(name_initials__startswith=key)
    return queryset.filter(pk__in=Person.objects.filter(match).values("pk"))


def search_staff(queryset, q: str):
    """Accounts of ``queryset`` whose full name, user name or organisation matches ``q``."""
    q = (q or "").strip()
    if not q:
        return queryset.none()
    return queryset.filter(Q(full_name__icontains=q) | Q(username__icontains=q) | Q(organization__name__contains=q))


def pick(picker: Picker, params: dict, user, q: str) -> list[dict]:
    """At most ``PICK_LIMIT`` records of the picker's queryset for ``user`` matching ``q``, each
    as ``{"id", "label"}``."""
    queryset = picker.queryset(user, **params)
    if picker.kind == STAFF:
        rows = search_staff(queryset, q).select_related("organization")[:PICK_LIMIT]
        return [{"id": u.pk, "label": staff_label(u)} for u in rows]
    rows = _with_positions(search_persons(queryset, q))[:PICK_LIMIT]
    return [{"id": p.pk, "label": person_label(p)} for p in rows]


# --- widgets and fields ---------------------------------------------------------------------------

SEARCH_PROMPT = {PERSON: _("Type a name, pinyin or unit to search"),
                 STAFF: _("Type a name or organisation to search")}


class PickerWidgetMixin:
    """A select holding only the chosen option(s), marked for the page's person picker script
    (kexie/people/static/people/picker.js), which adds the search box and the results. Without
    the script it is a plain select of what is chosen, so the form still submits."""

    picker_kind = PERSON

    def __init__(self, attrs=None, *args, **kwargs):
        super().__init__(attrs, *args, **kwargs)
        self.picker_name = ""
        self.picker_params = {}

    def use_required_attribute(self, initial):
        # The script hides the select: a browser cannot point at a hidden required field, and the
        # form's own check says what is missing.
        return False

    def optgroups(self, name, value, attrs=None):
        """The empty choice (a single select that has one) and the chosen records only: one query
        for the chosen ids, not the whole queryset."""
        choices = self.choices
        field = getattr(choices, "field", None)
        wanted = [v for v in value if str(v).isdigit()]
        options = []
        if field is not None and not self.allow_multiple_selected and field.empty_label is not None:
            options.append(("", field.empty_label))
        if field is not None and wanted:
            queryset = choices.queryset.filter(pk__in=wanted)
            if self.picker_kind == PERSON:
                queryset = _with_positions(queryset)
            options.extend((str(obj.pk), field.label_from_instance(obj)) for obj in queryset)
        groups = []
        for index, (option_value, label) in enumerate(options):
            selected = option_value != "" and option_value in {str(v) for v in wanted}
            groups.append((None, [self.create_option(name, option_value, label, selected, index, attrs=attrs)],
                           index))
        return groups

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        if self.picker_name:
            widget_attrs["data-pick-url"] = "{}?{}".format(
                reverse("people:pick"), urlencode({"field": picker_token(self.picker_name, **self.picker_params)}))
        widget_attrs["data-pick-prompt"] = SEARCH_PROMPT[self.picker_kind]
        widget_attrs["data-pick-none"] = _("No match within what you may pick here.")
        widget_attrs["data-pick-remove"] = pgettext_lazy("picker", "Remove")
        return context


class PersonPickerSelect(PickerWidgetMixin, forms.Select):
    pass


class PersonPickerSelectMultiple(PickerWidgetMixin, forms.SelectMultiple):
    pass


class StaffPickerSelect(PickerWidgetMixin, forms.Select):
    picker_kind = STAFF


class _PickerField:
    """A model choice field searched through a registered picker (``picker``, with ``params``)."""

    def __init__(self, *args, picker: str = "", **kwargs):
        kwargs.setdefault("queryset", self.default_queryset())
        super().__init__(*args, **kwargs)
        if picker:
            self.use_picker(picker)

    def default_queryset(self):
        return Person.objects.none()

    def use_picker(self, name: str, **params) -> None:
        """Search through the registered picker ``name``: it must list what ``self.queryset``
        holds, for the same user and ``params``."""
        self.widget.picker_name = name
        self.widget.picker_params = params

    def label_from_instance(self, obj):
        return person_label(obj)


class PersonChoiceField(_PickerField, forms.ModelChoiceField):
    """One person record of the queryset, found by typing part of the name, pinyin or unit."""

    widget = PersonPickerSelect
    default_error_messages = {
        "invalid_choice": _("This person is not among those you may pick here; search and choose again."),
    }


class PersonMultipleChoiceField(_PickerField, forms.ModelMultipleChoiceField):
    """Person records of the queryset, each found by typing part of the name, pinyin or unit."""

    widget = PersonPickerSelectMultiple
    default_error_messages = {
        "invalid_choice": _("Person %(value)s is not among those you may pick here; search and choose again."),
        "invalid_pk_value": _("“%(pk)s” is not a person record."),
    }


class StaffChoiceField(_PickerField, forms.ModelChoiceField):
    """One staff account of the queryset, found by typing part of the name or organisation."""

    widget = StaffPickerSelect
    default_error_messages = {
        "invalid_choice": _("This staff member is not among those who may take this on; search and choose again."),
    }

    def default_queryset(self):
        from kexie.accounts.models import User

        return User.objects.none()

    def label_from_instance(self, obj):
        return staff_label(obj)
