"""Form helpers shared by the apps."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _


def keep_masked(form, stored: dict[str, str], masks: dict[str, Callable[[str], str]]) -> None:
    """Personal data in an edit form: each field in ``masks`` shows its stored value masked
    (138****5678, a***@example.cn), so the page never carries the value in clear, and a field
    sent back as shown keeps the stored value; only a newly typed value (or an empty field)
    changes it. Seeing the value itself stays a separate, audited action (unmasking)."""
    for name, mask in masks.items():
        value = stored.get(name) or ""
        form.initial[name] = mask(value)
        if value:
            form.fields[name].help_text = _("Shown masked; type a new value to change it.")
        if form.is_bound and value and form.data.get(form.add_prefix(name)) == mask(value):
            if not getattr(form.data, "_mutable", True):
                form.data = form.data.copy()
            form.data[form.add_prefix(name)] = value
