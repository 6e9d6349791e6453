"""Form helpers shared by the apps."""

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _


def apply_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form fields it names (else on the form)."""
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in field_messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def form_step(request, form, run, success, *, done, again, errors=None):
    """One step of a page's forms, the same on every page.

    ``form``'s input goes through ``run`` (the service call, given the cleaned data). A success
    adds its message (``success``: text, or a function of the result) and answers ``done(result)``
    (a redirect). Bad input, or the service's refusal (a ValidationError), goes on the form next to
    the fields it names (``errors(error)`` where a form places them itself) with nothing saved, and
    the answer is ``again()``: the page drawn again with the bound form, as a 400."""
    if form.is_valid():
        try:
            result = run(form.cleaned_data)
        except ValidationError as error:
            (errors or (lambda refusal: apply_service_errors(form, refusal)))(error)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return done(result)
    return again()


def form_page(request, template: str, context: dict, form, run, success, *, done):
    """A page whose form is shown on GET and sent through :func:`form_step` on POST: the page
    (``template`` with ``context``) drawn again with the bound form, as a 400, on bad input."""
    if request.method == "GET":
        return render(request, template, context)
    return form_step(request, form, run, success, done=done,
                     again=lambda: render(request, template, context, status=400))


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


class AnonymousForm(forms.Form):
    """A form that anyone may send without signing in: sign-up, password reset, and the anonymous
    forms to come (survey answers by code, check-in codes).

    It takes exactly the fields it declares. A submission carrying any other field — a name, a
    phone number, an e-mail address or an ID number the form did not ask for — is refused as a
    whole (the form is invalid), so nothing identifying reaches storage beyond what the form asks.
    What a view may store is :meth:`answer`: the declared fields' cleaned values, never the
    client's address, browser or session (an anonymous answer's audit row is written with
    :func:`audit_anonymous`, which records neither address nor user). Views that take such a form
    are rate-limited (:func:`kexie.core.ratelimit.rate_limited`).
    """

    # Sent by the page itself, not by the person: the CSRF token and the page to return to.
    TRANSPORT_FIELDS = frozenset({"csrfmiddlewaretoken", "next"})

    def clean(self):
        data = super().clean()
        declared = {self.add_prefix(name) for name in self.fields} | self.TRANSPORT_FIELDS
        if (set(self.data) | set(self.files)) - declared:
            raise forms.ValidationError(
                _("The submission carried fields this form does not ask for; nothing was saved."),
                code="undeclared_fields")
        return data

    def answer(self) -> dict:
        """The declared fields' cleaned values: all that may be stored."""
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class _NoClient:
    """Stands for the request in an anonymous answer's audit row: no address, no browser."""

    META: dict = {}
    user = None


def audit_anonymous(*, action: str, obj=None, object_type: str = "", object_repr: str = "", new=None,
                    detail: str = ""):
    """The audit row of an anonymous submission: what was stored, without the client's address or
    any user (call it inside the transaction that stores the answer)."""
    from kexie.audit.services import audit_record

    return audit_record(action=action, obj=obj, object_type=object_type, object_repr=object_repr, new=new,
                        detail=detail, username="", request=_NoClient())
