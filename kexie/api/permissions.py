"""The API's permission check: each viewset action needs one permission code.

The code decides *whether* a user may call an action at all (403 when they lack it); which rows
they may touch is decided by the data scope in :class:`kexie.api.viewsets.ScopedViewSetMixin`
(rows outside it are 404).
"""

from rest_framework import permissions


class HasActionCode(permissions.BasePermission):
    """Grants an action when the signed-in user holds the code the view names for it.

    A view without a code for the action is closed: a new action cannot ship unprotected by
    forgetting to map it.
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        code = view.required_code()
        return code is not None and user.has_code(code)
