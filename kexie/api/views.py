"""API views: thin. Each viewset maps its actions to permission codes (``action_codes``); the
base mixin builds every queryset through ``restrict(user, code)``."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kexie.accounts.models import LoginLog, Role, User
from kexie.accounts.services import user_unmask
from kexie.audit.models import AuditLog
from kexie.core import ratelimit
from kexie.organizations.models import Organization
from kexie.organizations.services import (
    organization_create,
    organization_move,
    organization_set_status,
    organization_update,
)

from . import filters, serializers
from .authentication import token_lifetime
from .exceptions import validated
from .services import LoginRefused, token_issue
from .viewsets import ScopedGenericViewSet, ScopedReadOnlyViewSet


class Refused(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN


@extend_schema_view(
    list=extend_schema(summary=_("List organisations"), responses=serializers.OrganizationListSerializer(many=True)),
    retrieve=extend_schema(summary=_("An organisation")),
)
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Organisations within the user's data scope."""

    model = Organization
    action_codes = {
        "list": "org.view", "retrieve": "org.view", "children": "org.view", "ancestors": "org.view",
        "create": "org.add", "partial_update": "org.change", "move": "org.move", "status": "org.deactivate",
    }
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilter
    ordering_fields = ["name", "depth", "sort_order", "kind", "status", "created_at", "updated_at"]
    ordering = ["depth", "sort_order", "name"]

    def get_serializer_class(self):
        if self.action in ("list", "children", "ancestors"):
            return serializers.OrganizationListSerializer
        return serializers.OrganizationSerializer

    def _read(self, org, code=status.HTTP_200_OK):
        return Response(serializers.OrganizationSerializer(org, context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(summary=_("Create an organisation"), request=serializers.OrganizationCreateSerializer,
                   responses={201: serializers.OrganizationSerializer})
    def create(self, request):
        form = serializers.OrganizationCreateSerializer(data=request.data, context=self.get_serializer_context())
        validated(form)
        org = organization_create(by=request.user, **form.validated_data)
        return self._read(org, status.HTTP_201_CREATED)

    @extend_schema(summary=_("Edit an organisation"), request=serializers.OrganizationWriteSerializer,
                   responses=serializers.OrganizationSerializer)
    def partial_update(self, request, pk=None):
        org = self.get_object()
        form = serializers.OrganizationWriteSerializer(org, data=request.data, partial=True,
                                                       context=self.get_serializer_context())
        validated(form)
        org = organization_update(by=request.user, organization=org, data=form.validated_data)
        return self._read(org)

    @extend_schema(summary=_("Move an organisation with its subtree"),
                   request=serializers.OrganizationMoveSerializer, responses=serializers.OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        org = self.get_object()
        form = serializers.OrganizationMoveSerializer(data=request.data, context=self.get_serializer_context())
        validated(form)
        org = organization_move(by=request.user, organization=org, new_parent=form.validated_data["parent"])
        return self._read(org)

    @extend_schema(summary=_("Change an organisation's status"),
                   request=serializers.OrganizationStatusSerializer, responses=serializers.OrganizationSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        org = self.get_object()
        form = serializers.OrganizationStatusSerializer(data=request.data)
        validated(form)
        org = organization_set_status(by=request.user, organization=org, **form.validated_data)
        return self._read(org)

    @extend_schema(summary=_("Direct sub-organisations"), filters=False,
                   responses=serializers.OrganizationListSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def children(self, request, pk=None):
        org = self.get_object()
        queryset = self.get_queryset().filter(parent=org).order_by("sort_order", "name")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary=_("Ancestors within your scope, top first"), filters=False,
                   responses=serializers.OrganizationListSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ancestors(self, request, pk=None):
        org = self.get_object()
        queryset = self.get_queryset().filter(pk__in=org.ancestors().values("pk")).order_by("depth")
        return Response(self.get_serializer(queryset, many=True).data)


@extend_schema_view(list=extend_schema(summary=_("List users (personal data masked)")),
                    retrieve=extend_schema(summary=_("A user (personal data masked)")))
class UserViewSet(ScopedReadOnlyViewSet):
    """Users within the data scope; mobile, e-mail and ID number are always masked here."""

    model = User
    action_codes = {"list": "user.view", "retrieve": "user.view", "unmask": "pii.unmask"}
    serializer_class = serializers.UserSerializer
    filterset_class = filters.UserFilter
    ordering_fields = ["username", "full_name", "date_joined", "last_login"]
    ordering = ["username"]

    def base_queryset(self):
        return User.objects.select_related("organization").prefetch_related("roles")

    @extend_schema(summary=_("Show one unmasked personal-data field of a user (audited)"),
                   request=serializers.UnmaskRequestSerializer, responses=serializers.UnmaskedSerializer)
    @action(detail=True, methods=["post"])
    def unmask(self, request, pk=None):
        user = self.get_object()
        form = serializers.UnmaskRequestSerializer(data=request.data)
        validated(form)
        field = form.validated_data["field"]
        return Response({"field": field, "value": user_unmask(by=request.user, user=user, field=field)})


class RoleViewSet(ScopedReadOnlyViewSet):
    """Roles: their permission codes and data scope. Roles belong to no organisation."""

    model = Role
    scoped = False
    action_codes = {"list": "role.manage", "retrieve": "role.manage"}
    serializer_class = serializers.RoleSerializer
    filterset_fields = ["data_scope", "admin_kind", "is_builtin"]
    ordering_fields = ["id", "code", "name"]
    ordering = ["id"]

    def base_queryset(self):
        return Role.objects.prefetch_related("custom_organizations")


class AuditLogViewSet(ScopedReadOnlyViewSet):
    """The audit trail, read only."""

    model = AuditLog
    action_codes = {"list": "audit.view", "retrieve": "audit.view"}
    serializer_class = serializers.AuditLogSerializer
    filterset_class = filters.AuditLogFilter
    ordering_fields = ["id", "time"]
    ordering = ["-id"]


class LoginLogViewSet(mixins.ListModelMixin, ScopedGenericViewSet):
    """The login log, read only."""

    model = LoginLog
    action_codes = {"list": "loginlog.view"}
    serializer_class = serializers.LoginLogSerializer
    filterset_class = filters.LoginLogFilter
    ordering_fields = ["id", "time"]
    ordering = ["-time", "-id"]


class MeView(APIView):
    """The signed-in user, their permission codes and the data scope of each of their roles."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary=_("The current user"), responses=serializers.MeSerializer)
    def get(self, request):
        user = User.objects.select_related("organization").get(pk=request.user.pk)
        return Response(serializers.MeSerializer(user).data)


class TokenView(APIView):
    """Exchange a username, password and (if required) a TOTP code for an API token."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(summary=_("Obtain an API token"), request=serializers.TokenRequestSerializer,
                   responses={200: serializers.TokenSerializer,
                              400: OpenApiResponse(description=_("Wrong credentials or second-factor code")),
                              403: OpenApiResponse(description=_("Locked, disabled or password expired")),
                              429: OpenApiResponse(description=_("Too many attempts from this address or for this "
                                                                 "account: try again later"))})
    def post(self, request):
        # The sign-in page's limits, per address and per username (kexie.core.ratelimit).
        username = request.data.get("username", "") if hasattr(request.data, "get") else ""
        limited = ratelimit.hit(request, "login", account=username if isinstance(username, str) else "")
        if limited is not None:
            return ratelimit.too_many(request, limited)
        form = serializers.TokenRequestSerializer(data=request.data)
        validated(form)
        try:
            token = token_issue(request=request, **form.validated_data)
        except LoginRefused as refused:
            if refused.status == status.HTTP_403_FORBIDDEN:
                raise Refused(refused.message) from None
            error = exceptions.ValidationError({refused.field or "non_field_errors": [refused.message]})
            error.labels = {name: str(field.label) for name, field in form.fields.items()}
            raise error from None
        return Response({"token": token.key, "expires_at": token.created + token_lifetime()})
