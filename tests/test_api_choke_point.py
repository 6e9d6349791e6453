"""The choke point: every API viewset maps each of its actions to a permission code and builds
its queryset through the data scope; an action nobody mapped is closed."""

from types import SimpleNamespace

import pytest
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from kexie.api.permissions import HasActionCode
from kexie.api.urls import router
from kexie.api.views import OrganizationViewSet
from kexie.api.viewsets import ScopedViewSetMixin
from kexie.organizations.models import Organization

STANDARD_ACTIONS = ("list", "retrieve", "create", "update", "partial_update", "destroy")


@pytest.mark.parametrize(("prefix", "viewset"), [(p, v) for p, v, _ in router.registry])
def test_every_viewset_maps_every_action_to_a_code(prefix, viewset):
    assert issubclass(viewset, ScopedViewSetMixin), f"{prefix} does not go through the choke point"
    assert viewset.permission_classes == [HasActionCode]
    actions = [name for name in STANDARD_ACTIONS if hasattr(viewset, name)]
    actions += [extra.__name__ for extra in viewset.get_extra_actions()]
    unmapped = [name for name in actions if name not in viewset.action_codes]
    assert not unmapped, f"{prefix}: actions without a permission code: {unmapped}"


class LeakyViewSet(OrganizationViewSet):
    """An action added without a code in action_codes."""

    @action(detail=False, methods=["get"])
    def everything(self, request):
        return Response([o.name for o in Organization.objects.all()])


def test_an_action_without_a_code_is_refused_even_to_a_user_with_every_scope(world):
    request = APIRequestFactory().get("/api/v1/organizations/everything/")
    force_authenticate(request, user=world.national_clerk)
    response = LeakyViewSet.as_view({"get": "everything"})(request)
    assert response.status_code == 403


def test_the_queryset_is_limited_to_the_scope_of_the_actions_code(world):
    view = OrganizationViewSet()
    view.request = SimpleNamespace(user=world.county_clerk)
    # The county clerk may view its own association but not move organisations (its role lacks org.move).
    for action_name, expected in (("list", {world.county_a}), ("move", set()), ("unknown", set())):
        view.action = action_name
        assert set(view.get_queryset()) == expected, action_name
    # A code the user's role lacks gives nothing, whatever the action.
    view.request = SimpleNamespace(user=world.no_role_user)
    view.action = "list"
    assert not view.get_queryset().exists()
