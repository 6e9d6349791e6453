"""Forms of the organisation registry. They collect and shape input; the services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import ModelChoiceIterator
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kexie.core.forms import keep_masked
from kexie.core.masking import mask_email, mask_phone
from kexie.core.validators import validate_credit_code, validate_region_code

from .models import Organization, OrgKind, OrgStatus
from .selectors import PATH_SEPARATOR, container_choices, organization_paths, path_labels


# Above this many choices a <select> is unusable (a national scope holds tens of thousands of
# associations): the field becomes a text box taking the full name or the credit code.
SELECT_LIMIT = 500


def more_than_a_select(queryset) -> bool:
    """Whether ``queryset`` holds more rows than a select shows (``SELECT_LIMIT``).

    LIMIT, not COUNT, and no ORDER BY: the database stops at the 501st row instead of counting,
    or sorting, every organisation of a national scope first.
    """
    return len(queryset.order_by().values_list("pk", flat=True)[:SELECT_LIMIT + 1]) > SELECT_LIMIT


PICKER_PROMPT = _("Search by name, short name or pinyin initials")


def picker_search(label: str, search_text: str) -> str:
    """What a picker's search box looks in for one option: its label (the full path) and the
    organisation's ``search_text`` (names, aliases, pinyin)."""
    return f"{label} {search_text or ''}".lower()


class OrgPickerMixin:
    """A select (or checkbox list) that the page's picker script turns searchable.

    Every option carries ``data-search``: its full path, names, short name, aliases and pinyin
    (full and initials), so that typing 河南 组织, hnskx or 组织人事部 narrows the list. Without
    the script the select still works as a plain one."""

    # The attribute's value is the search box's placeholder.
    picker_attrs = {"data-picker": PICKER_PROMPT}

    def __init__(self, attrs=None, *args, **kwargs):
        super().__init__({**self.picker_attrs, **(attrs or {})}, *args, **kwargs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if value not in ("", None):
            option["attrs"]["data-search"] = picker_search(label, getattr(getattr(value, "instance", None),
                                                                          "search_text", ""))
        return option


class OrgPickerSelect(OrgPickerMixin, forms.Select):
    pass


class OrgPickerSelectMultiple(OrgPickerMixin, forms.SelectMultiple):
    pass


class OrgPickerCheckboxes(OrgPickerMixin, forms.CheckboxSelectMultiple):
    pass


class _PathChoiceIterator(ModelChoiceIterator):
    """Options labelled by full path (one query for all of them) in tree order: a parent, then
    what sits under it. Organisations the field names in ``first`` come first."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        organizations = list(self.queryset)
        paths = organization_paths(o.pk for o in organizations)
        self.field.paths = {pk: path.label for pk, path in paths.items()}
        first = set(self.field.first or ())
        organizations.sort(key=lambda o: (o.pk not in first, paths[o.pk].key if o.pk in paths else ()))
        for organization in organizations:
            yield self.choice(organization)


class _PathLabelled:
    """Options labelled by full path, in tree order; ``first``: organisations to list first."""

    iterator = _PathChoiceIterator

    def __init__(self, *args, first=None, **kwargs):
        self.first = first
        self.paths = {}  # filled by the iterator as it lists the options
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.paths.get(obj.pk) or obj.name


class OrgChoiceField(_PathLabelled, forms.ModelChoiceField):
    """An organisation within a given queryset (the user's scope), picked from a searchable list
    labelled by full path or, for scopes too large for a list, typed into a search box that asks
    the server (full path, full name or unified social credit code all accepted)."""

    widget = OrgPickerSelect

    def use_text_input_if_large(self) -> None:
        if more_than_a_select(self.queryset):
            self.use_text_input()

    def use_text_input(self) -> None:
        """A search box (results from the server, within the user's scope) instead of the list."""
        self.widget = forms.TextInput(attrs={
            "placeholder": _("Full name, path or credit code"), "data-picker-url": reverse_lazy("organizations:search"),
            "autocomplete": "off"})
        self.widget.is_required = self.required

    def prepare_value(self, value):
        if not isinstance(self.widget, forms.TextInput) or value in (None, ""):
            return super().prepare_value(value)
        if isinstance(value, Organization):
            return path_labels([value.pk]).get(value.pk, value.name)
        if str(value).isdigit():
            org = self.queryset.filter(pk=value).first()
            return path_labels([org.pk]).get(org.pk, org.name) if org else value
        return value

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if text.isdigit():
            return super().to_python(text)
        if PATH_SEPARATOR.strip() in text:
            # A path as the picker shows it ("甲省科协 / 组织人事部"), spaces around "/" optional.
            text = PATH_SEPARATOR.join(part.strip() for part in text.split(PATH_SEPARATOR.strip()))
            named = list(self.queryset.filter(name=text.rsplit(PATH_SEPARATOR, 1)[-1])[:50])
            paths = path_labels(o.pk for o in named)
            matches = [o for o in named if paths.get(o.pk) == text]
        else:
            matches = list(self.queryset.filter(Q(name=text) | Q(credit_code=text.upper()))[:2])
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise ValidationError(_("“%(value)s” names more than one organisation; give its credit code instead.")
                                  % {"value": text}, code="ambiguous")
        raise ValidationError(_("No organisation “%(value)s” within your data scope.") % {"value": text},
                              code="invalid_choice")


class OrgMultipleChoiceField(_PathLabelled, forms.ModelMultipleChoiceField):
    """Several organisations, labelled by full path, from a searchable list (or checkboxes)."""

    widget = OrgPickerSelectMultiple


class OrganizationFilterForm(forms.Form):
    """The search form above the list (GET)."""

    q = forms.CharField(label=_("Keywords"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, short name, alias or pinyin")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrgKind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses")), *OrgStatus.choices])
    region = forms.RegexField(label=_("Region code"), required=False, regex=r"^\d{2,6}$",
                              error_messages={"invalid": _("Enter 2 to 6 digits of a region code, e.g. 410000.")},
                              widget=forms.TextInput(attrs={"size": 8, "inputmode": "numeric"}))
    under = OrgChoiceField(label=_("Under"), required=False, queryset=Organization.objects.none(),
                           empty_label=_("Anywhere"))
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["under"].queryset = container_choices(user, "org.view")
        self.fields["under"].use_text_input_if_large()

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"text": data["q"].strip(), "kind": data["kind"], "status": data["status"],
                "region": data["region"] or "", "under": data["under"], "sort": data["sort"]}

    def description(self) -> dict:
        """The filter as plain values, for the export audit row."""
        return {k: (v.pk if isinstance(v, Organization) else v) for k, v in self.filters().items() if v}


class OrganizationForm(forms.Form):
    """Create (with a parent) or edit (without) an organisation."""

    parent = OrgChoiceField(label=_("Parent organisation"), required=False, queryset=Organization.objects.none(),
                            empty_label=_("(none: a top-level organisation)"))
    name = forms.CharField(label=_("Name"), max_length=200)
    short_name = forms.CharField(label=_("Short name"), max_length=100, required=False)
    aliases = forms.CharField(label=_("Aliases"), required=False, max_length=500,
                              help_text=_("Other names used in documents, separated by commas, e.g. 学会部."))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose a kind")), *OrgKind.choices])
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=18, required=False)
    region_code = forms.CharField(label=_("Administrative region code"), max_length=6, required=False,
                                  validators=[validate_region_code])
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    founded_on = forms.DateField(label=_("Founding date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    sort_order = forms.IntegerField(label=_("Sort order"), initial=0, required=False)

    def __init__(self, *args, user, organization: Organization | None = None, may_create_root=False, **kwargs):
        if organization is not None:
            initial = {f: getattr(organization, f) for f in (
                "name", "short_name", "kind", "credit_code", "region_code", "contact_person", "contact_phone",
                "contact_email", "address", "founded_on", "sort_order")}
            initial["aliases"] = "，".join(organization.aliases or [])
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.organization = organization
        if organization is not None:
            # The place in the tree is changed by the move form, which checks cycles and scope.
            del self.fields["parent"]
            keep_masked(self, {"contact_phone": organization.contact_phone, "contact_email": organization.contact_email},
                        {"contact_phone": mask_phone, "contact_email": mask_email})
        else:
            self.fields["parent"].queryset = container_choices(user, "org.add")
            self.fields["parent"].required = not may_create_root
            if not may_create_root:
                self.fields["parent"].empty_label = _("Choose an organisation")
            self.fields["parent"].use_text_input_if_large()

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_credit_code(self):
        code = self.cleaned_data["credit_code"].strip().upper()
        validate_credit_code(code)
        return code

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0

    def clean(self):
        data = super().clean()
        name = data.get("name")
        parent = data.get("parent") if self.organization is None else self.organization.parent
        if name:
            siblings = Organization.objects.filter(parent=parent, name=name)
            if self.organization is not None:
                siblings = siblings.exclude(pk=self.organization.pk)
            if siblings.exists():
                self.add_error("name", _("%(parent)s already has an organisation named %(name)s.") % {
                    "parent": parent.name if parent else _("The top level"), "name": name})
        code = (data.get("credit_code") or "").strip().upper()
        if code:
            clash = Organization.objects.filter(credit_code=code)
            if self.organization is not None:
                clash = clash.exclude(pk=self.organization.pk)
            if clash.exists():
                self.add_error("credit_code", _("The credit code %(code)s is already used by another organisation.")
                               % {"code": code})
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("parent", None)
        return data


class MoveForm(forms.Form):
    new_parent = OrgChoiceField(label=_("New parent organisation"), required=False,
                                queryset=Organization.objects.none(),
                                empty_label=_("(none: a top-level organisation)"))

    def __init__(self, *args, user, organization, may_create_root=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = container_choices(user, "org.move").exclude(pk=organization.pk)
        self.fields["new_parent"].required = not may_create_root
        if not may_create_root:
            self.fields["new_parent"].empty_label = _("Choose an organisation")
        self.fields["new_parent"].use_text_input_if_large()
        self.fields["new_parent"].initial = organization.parent_id


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=OrgStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        if data.get("status") == OrgStatus.DISSOLVED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for dissolving the organisation."))
        return data


class BatchStatusForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), error_messages={
        "required": _("Select at least one organisation."),
        "invalid_choice": _("One of the selected organisations is not available to you.")})
    status = forms.ChoiceField(label=_("New status"), choices=OrgStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any integer is accepted here; the view looks them up within the user's scope.
        self.fields["ids"].valid_value = lambda value: str(value).isdigit()

    def clean(self):
        data = super().clean()
        if data.get("status") == OrgStatus.DISSOLVED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for dissolving the organisation."))
        return data


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
