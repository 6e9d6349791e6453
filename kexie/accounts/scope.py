"""Data scope: the one place that decides which rows a user may see or act on.

Every list, detail, export and API call goes through :func:`restrict_queryset` (usually as
``Model.objects.restrict(user, action)``) or :func:`access_object`. An object outside the scope
is reported as not found (404), never as forbidden, so its existence does not leak.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from kexie.organizations.models import OrganizationClosure

from .models import DataScope

_NOTHING = Q(pk__in=[])


def scope_q(user, action: str, *, org_field: str, owner_field: str | None) -> Q | None:
    """The filter for ``action`` over the union of the user's roles, or None for no access."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    roles = [role for role in user.cached_roles() if action in (role.permissions or [])]
    if not roles:
        return None
    q = _NOTHING
    for role in roles:
        scope = role.data_scope
        if scope == DataScope.ALL:
            return Q()
        if scope == DataScope.ORG and user.organization_id:
            q |= Q(**{org_field: user.organization_id})
        elif scope == DataScope.ORG_AND_BELOW and user.organization_id:
            below = OrganizationClosure.objects.filter(ancestor_id=user.organization_id).values("descendant_id")
            q |= Q(**{f"{org_field}__in": below})
        elif scope == DataScope.SELF and owner_field:  # rows with no owner are nobody's "own records"
            q |= Q(**{owner_field: user.pk})
        elif scope == DataScope.CUSTOM:
            q |= Q(**{f"{org_field}__in": _custom_ids(role)})
    return q


def _custom_ids(role) -> list[int]:
    if not hasattr(role, "_kexie_custom_ids"):
        role._kexie_custom_ids = list(role.custom_organizations.values_list("pk", flat=True))
    return role._kexie_custom_ids


def restrict_queryset(queryset, user, action: str):
    model = queryset.model
    q = scope_q(user, action, org_field=model.scope_org_field, owner_field=model.scope_owner_field)
    if q is None:
        return queryset.none()
    return queryset.filter(q)


def access_object(queryset_or_model, user, action: str, **lookup):
    """Fetch one object the user may ``action``, or raise Http404 — also when it exists but is
    outside the user's scope."""
    queryset = getattr(queryset_or_model, "objects", queryset_or_model)
    try:
        return queryset.restrict(user, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_at_or_above(user, organization_id) -> bool:
    """Whether ``user``'s own organisation is ``organization_id`` or one of its ancestors: the
    position an issuer's rights go with (reviewing, deciding, closing), whatever the data scope."""
    return bool(user.organization_id) and (
        user.organization_id == organization_id
        or OrganizationClosure.objects.filter(ancestor_id=user.organization_id, descendant_id=organization_id).exists())


def covers_subtree(user, action: str, organization_id: int) -> bool:
    """Whether ``user``'s scope for ``action`` holds the whole subtree of ``organization_id``: a
    role over all data, or over their organisation and below with this one at or under it. A query
    over that subtree then needs no scope filter. Remembered on the user for the request."""
    memo = user.__dict__.setdefault("_kexie_covers_subtree", {})
    key = (action, organization_id)
    if key not in memo:
        scopes = {role.data_scope for role in user.cached_roles() if action in (role.permissions or [])}
        memo[key] = DataScope.ALL in scopes or (
            DataScope.ORG_AND_BELOW in scopes and is_at_or_above(user, organization_id))
    return memo[key]


def require_code(by, code: str) -> None:
    """Refuse (PermissionDenied) unless ``by`` is a signed-in user whose roles carry ``code``.
    Services call it first, so no caller can skip the check."""
    if by is None or not getattr(by, "is_authenticated", False) or not by.has_code(code):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_page_code(request, code: str) -> None:
    """The same for a page: the signed-in user of ``request`` must hold ``code`` (else 403)."""
    require_code(request.user, code)
