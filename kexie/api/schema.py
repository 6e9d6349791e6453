"""OpenAPI: the project's authentication classes, and the error answers every endpoint can give.

Imported by ApiConfig.ready so that the authentication extensions are registered; the schema
class is named in settings (REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.authentication import SessionScheme, TokenScheme
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import is_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class KexieSessionScheme(SessionScheme):
    target_class = "kexie.api.authentication.SessionAuthentication"


class KexieTokenScheme(TokenScheme):
    target_class = "kexie.api.authentication.TokenAuthentication"


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the user's language."))


class ValidationErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_(
        "One sentence naming each field at fault by its label. Besides it, each field at fault is a "
        "key holding its list of messages (non_field_errors for the request as a whole)."))


class KexieAutoSchema(AutoSchema):
    """Adds the error answers: 400 for bad input (a body, a list's filters, a query a serializer
    validates), 401 without credentials, 403 without the permission code, 404 for an object that
    does not exist or lies outside the data scope, and for a page of a list that does not exist
    (the paginator's answer to ``page=0`` or past the end), and 415 for a request body in a media
    type the operation does not read."""

    def get_tags(self):
        # /api/v1/<resource>/...: one tag per resource instead of one for the whole version.
        parts = [part for part in self.path.split("/") if part]
        if len(parts) > 2 and parts[:2] == ["api", "v1"]:
            return [parts[2]]
        return super().get_tags()

    def _validates_query(self) -> bool:
        """A query described by a serializer is validated by it: bad values are a 400."""
        return any(is_serializer(parameter) for parameter in self.get_override_parameters())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = {}
        if self.method in ("POST", "PUT", "PATCH") or (self.method == "GET" and (
                self._is_list_view() or self._validates_query())):
            errors["400"] = (ValidationErrorSerializer, _("Bad input; nothing was saved."))
            errors["415"] = (ErrorSerializer, _("The request body is in a media type this operation does not "
                                                "read (it reads JSON, form data and multipart)."))
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            errors["401"] = (ErrorSerializer, _("No credentials, or an expired token."))
            errors["403"] = (ErrorSerializer, _("The permission code this action needs is missing."))
        if "{" in self.path:
            errors["404"] = (ErrorSerializer, _("Not found, or outside your data scope."))
        elif self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            errors["404"] = (ErrorSerializer, _("No such page of the list."))
        for code, (serializer, description) in errors.items():
            if code not in responses:
                response = self._get_response_for_code(serializer, code, direction=direction)
                response["description"] = description
                responses[code] = response
        return responses
