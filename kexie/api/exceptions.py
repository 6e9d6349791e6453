"""API errors: Django's ValidationError becomes a 400 naming the field, in the user's language.

Services validate with ``full_clean()`` and raise Django's ValidationError keyed by field name;
here it takes DRF's shape ``{"field": ["message"]}``. Errors that concern no single field
(Django's ``__all__``) go under DRF's ``non_field_errors``.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {
                (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
                for field, messages in exc.message_dict.items()
            }
        else:
            detail = {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}
        exc = exceptions.ValidationError(detail)
    return drf_exception_handler(exc, context)
