"""The choke point of the API: every viewset maps its actions to permission codes and builds
every queryset through ``Model.objects.restrict(user, code)``.

A viewset names its model and a dict ``action_codes`` (action name -> permission code). The
permission class refuses an unmapped action; ``get_queryset`` never returns a row outside the
data scope of the action's code, so ``get_object`` answers 404 for an object the user may not
act on — the same as for one that does not exist.
"""

from rest_framework import viewsets

from .pagination import KexiePagination
from .permissions import HasActionCode


class ScopedViewSetMixin:
    """Maps actions to permission codes and limits every queryset to the code's data scope."""

    model = None
    action_codes: dict[str, str] = {}
    # Models without an organisation (roles) have no data scope: the permission code alone
    # decides, and the whole table is visible to a holder of the code.
    scoped = True
    permission_classes = [HasActionCode]
    pagination_class = KexiePagination

    def required_code(self) -> str | None:
        action = self.action
        if action is None:
            # OPTIONS and unknown methods: read access is enough to describe the endpoint.
            action = "list"
        return self.action_codes.get(action)

    def base_queryset(self):
        """The model's rows before the data scope; override to add select_related and the like."""
        return self.model.objects.all()

    def get_queryset(self):
        code = self.required_code()
        queryset = self.base_queryset()
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return queryset.none()
        user = self.request.user
        if code is None:
            return queryset.none()
        if not self.scoped:
            return queryset if user.has_code(code) else queryset.none()
        return queryset.restrict(user, code)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedGenericViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    pass
