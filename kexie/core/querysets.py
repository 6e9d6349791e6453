"""The queryset base every scoped model uses: ``Model.objects.restrict(user, action)``."""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    """A queryset that can be limited to what a user's roles allow.

    The model names the field that ties a row to an organisation (``scope_org_field``) and the
    field that ties it to its owner (``scope_owner_field``, for the "own records" scope).
    """

    def restrict(self, user, action: str):
        from kexie.accounts.scope import restrict_queryset

        return restrict_queryset(self, user, action)
