"""The dashboard as JSON: ``GET /api/v1/dashboard/?org=<pk>`` (permission code plan.view; an
organisation or plan outside the user's scope is 404). The serializers mirror the dataclasses of
:mod:`kexie.dashboard.data`, so the API carries the numbers of the page."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from kexie.api.exceptions import validated
from kexie.api.permissions import HasActionCode
from kexie.api.schema import ErrorSerializer
from kexie.api.serializers import DatabaseIntegerField
from kexie.tracking.api import ColourCountsSerializer

from . import selectors

MAX_ROWS = 500


def _percent():
    return serializers.FloatField(allow_null=True)


def _decimal():
    return serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True)


class _ProgressSerializer(serializers.Serializer):
    counts = ColourCountsSerializer()
    average_percent = _percent()


class UnitRowSerializer(_ProgressSerializer):
    organization_id = serializers.IntegerField(help_text=_("0 for tasks without a lead unit"))
    name = serializers.CharField()


class LevelRowSerializer(_ProgressSerializer):
    level = serializers.CharField()
    depth = serializers.IntegerField()
    filing_rate = _percent()


class TrendPointSerializer(_ProgressSerializer):
    cycle_id = serializers.IntegerField()
    label = serializers.CharField()
    filing_rate = _percent()
    recorded = serializers.BooleanField(help_text="False for a cycle with nothing recorded: a gap in the trend")


class TargetRowSerializer(serializers.Serializer):
    item_id = serializers.IntegerField()
    task = serializers.CharField()
    target = serializers.CharField()
    unit = serializers.CharField()
    goal = _decimal()
    actual = _decimal()
    attainment = _decimal()
    direction = serializers.CharField()


class OverdueRowSerializer(serializers.Serializer):
    item_id = serializers.IntegerField()
    plan = serializers.CharField()
    key = serializers.CharField()
    task = serializers.CharField()
    lead = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    percent = serializers.IntegerField()
    days_overdue = serializers.IntegerField()


class LateRowSerializer(serializers.Serializer):
    cycle = serializers.CharField()
    organization = serializers.CharField()
    task = serializers.CharField()
    due_on = serializers.DateField()
    submitted_at = serializers.DateTimeField(allow_null=True, help_text=_("null: not filed"))


class DashboardSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    organization = serializers.CharField()
    as_of = serializers.DateField()
    plan_id = serializers.IntegerField(allow_null=True)
    plan = serializers.CharField()
    counts = ColourCountsSerializer()
    by_lead = UnitRowSerializer(many=True)
    by_level = LevelRowSerializer(many=True)
    trend_plan = serializers.CharField()
    trend = TrendPointSerializer(many=True)
    targets = TargetRowSerializer(many=True)
    overdue_total = serializers.IntegerField()
    overdue = OverdueRowSerializer(many=True)
    late_total = serializers.IntegerField()
    late = LateRowSerializer(many=True)


class DashboardQuery(serializers.Serializer):
    org = DatabaseIntegerField(required=False, label=_("organisation"),
                                   help_text=_("The subtree's root; the user's own organisation by default."))
    plan = DatabaseIntegerField(required=False, label=_("plan"),
                                    help_text=_("Only the tasks of this plan and of the plans cascaded from it."))
    rows = serializers.IntegerField(required=False, default=50, min_value=0, max_value=MAX_ROWS,
                                    label=_("rows per list"), help_text=_("Rows of the overdue and late lists."))
    overdue_offset = DatabaseIntegerField(required=False, default=0, min_value=0, label=_("overdue list offset"))
    late_offset = DatabaseIntegerField(required=False, default=0, min_value=0, label=_("late list offset"))


class DashboardView(APIView):
    """Tasks by colour, by lead unit and level by level, the trend over cycles, target
    attainment, and the overdue and late lists, over an organisation's subtree."""

    permission_classes = [HasActionCode]

    def required_code(self) -> str:
        return selectors.CODE

    @extend_schema(summary=_("The dashboard of an organisation subtree"), parameters=[DashboardQuery],
                   responses={200: DashboardSerializer, 404: OpenApiResponse(ErrorSerializer, description=_(
                       "No such organisation or plan, or outside your data scope."))})
    def get(self, request):
        query = validated(DashboardQuery(data=request.query_params))
        data = selectors.dashboard_for(
            user=request.user, organization=query.get("org", request.user.organization_id), plan=query.get("plan"),
            rows=query["rows"], overdue_offset=query["overdue_offset"], late_offset=query["late_offset"],
            render=serialized)
        return Response(data)


def serialized(dashboard) -> dict:
    """The dashboard as the API answers it (kept in the cache as such: no serializer runs on a hit)."""
    return DashboardSerializer(dashboard).data
