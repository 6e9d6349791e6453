"""API errors: a bad request is a 400 naming each field, in the user's language.

Services validate with ``full_clean()`` and raise Django's ValidationError keyed by field name;
here it takes DRF's shape ``{"field": ["message"]}`` (errors that concern no single field,
Django's ``__all__`` and messages raised as a bare list, go under ``non_field_errors``). Every
400 also carries ``detail``: one sentence a client can show as it is, with each field called by
its label (统一社会信用代码：…).
"""

from django.core.exceptions import FieldDoesNotExist, NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def validated(form) -> dict:
    """The serializer's validated data, or a 400 that knows the labels of the form's fields."""
    if not form.is_valid():
        error = exceptions.ValidationError(form.errors)
        error.labels = {name: str(field.label) for name, field in form.fields.items() if field.label}
        raise error
    return form.validated_data


def _model_labels(view) -> dict[str, str]:
    model = getattr(view, "model", None)
    if model is None:
        return {}
    labels = {}
    for field in model._meta.get_fields():
        try:
            labels[field.name] = str(model._meta.get_field(field.name).verbose_name)
        except (FieldDoesNotExist, AttributeError):
            continue
    return labels


def _filter_labels(view) -> dict[str, str]:
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is None:
        return {}
    return {name: str(f.label) for name, f in filterset_class.base_filters.items() if f.label}


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [m for item in value.values() for m in _messages(item)]
    if isinstance(value, (list, tuple)):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


def summary(errors: dict, labels: dict[str, str]) -> str:
    parts = []
    for field, value in errors.items():
        text = " ".join(_messages(value))
        if field == api_settings.NON_FIELD_ERRORS_KEY:
            parts.append(text)
        else:
            parts.append(f"{labels.get(field, field)}：{text}")
    return "；".join(parts)


def exception_handler(exc, context):
    view = context.get("view")
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = exceptions.ValidationError(detail)
    labels = {**_model_labels(view), **_filter_labels(view), **getattr(exc, "labels", {})}
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError) and isinstance(response.data, list):
        # Raised with bare messages (the search filter's refusal of a null character, for one):
        # they concern the request as a whole, and every 400 has the same shape.
        response.data = {api_settings.NON_FIELD_ERRORS_KEY: response.data}
    if (response is not None and isinstance(exc, exceptions.ValidationError)
            and isinstance(response.data, dict) and "detail" not in response.data):
        response.data = {"detail": summary(response.data, labels), **response.data}
    return response
