"""The notifications API: a user's own notifications and marking one read.

Any signed-in user may call it, and only ever sees their own rows: another user's notification
is not found (404), like everything outside a user's data scope.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from kexie.api.pagination import KexiePagination

from . import selectors, services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    unread = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_display", "title", "body", "url", "object_type", "object_id", "created_at",
                  "read_at", "unread"]
        read_only_fields = fields


class NotificationListView(generics.ListAPIView):
    """The signed-in user's notifications, unread first, then newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = NotificationSerializer
    pagination_class = KexiePagination
    filter_backends = []

    @extend_schema(summary=_("My notifications"), parameters=[OpenApiParameter(
        "unread", OpenApiTypes.BOOL, description=_("Only unread notifications"))])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        rows = selectors.inbox(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true", "True"):
            rows = rows.filter(read_at__isnull=True)
        return rows


class NotificationReadView(APIView):
    """Mark one of the signed-in user's notifications read."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary=_("Mark a notification read"), request=None, responses=NotificationSerializer)
    def post(self, request, pk: int):
        notification = services.notification_read(by=request.user, notification=pk)
        return Response(NotificationSerializer(notification).data)
