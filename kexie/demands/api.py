"""The demands API, read-only: the demands a user sees (a confidential one only by those named on
it) with their milestones, expert shortlist and applications, and the demand funnel of an
organisation's subtree with the next level down and by level of the holding association.

Reads come from :mod:`kexie.demands.selectors`, the functions the pages use, so the API and the
pages show the same demands and the same figures. ``register`` adds the routes to the API router
(kexie.api.urls).
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.api.filters import IntegerFilter
from kexie.api.viewsets import ScopedGenericViewSet
from kexie.organizations.models import Organization

from . import selectors
from .models import Application, Candidate, Demand, DemandMilestone, DemandStatus, Route

VIEW = selectors.VIEW  # demand.view


class MilestoneSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))

    class Meta:
        model = DemandMilestone
        fields = ["id", "position", "title", "due", "status", "status_label", "report", "reported_at",
                  "accepted_at", "note"]
        read_only_fields = fields


class CandidateSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True, label=_("expert"))

    class Meta:
        model = Candidate
        fields = ["id", "person", "person_name", "score", "reasons", "excluded", "exclusion_reason", "released",
                  "released_at"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))

    class Meta:
        model = Application
        fields = ["id", "team_name", "lead_name", "lead_unit", "quoted_amount", "status", "status_label",
                  "status_reason", "submitted_at"]
        read_only_fields = fields


class DemandSerializer(serializers.ModelSerializer):
    # A plain string in the schema: an enum named after the field would collide with the other
    # apps' "status" enums (the codes and their labels are the model's DemandStatus).
    status = serializers.CharField(read_only=True, label=_("status"))
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=_("holding association"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    route_label = serializers.CharField(source="get_route_display", read_only=True, label=_("route"))

    class Meta:
        model = Demand
        fields = ["id", "organization", "organization_name", "enterprise_name", "title", "industry", "field",
                  "budget", "deadline", "confidential", "status", "status_label", "route", "route_label",
                  "merged_into", "received_at", "accepted_at", "first_candidate_at", "published_at", "apply_until",
                  "contracted_at", "contract_amount", "completed_at", "review_round"]
        read_only_fields = fields


class DemandDetailSerializer(DemandSerializer):
    """A demand with its text, milestones, the expert shortlist and the open call's applications."""

    milestones = MilestoneSerializer(many=True, read_only=True, label=_("milestones"))
    candidates = CandidateSerializer(many=True, read_only=True, label=_("expert candidates"))
    applications = ApplicationSerializer(many=True, read_only=True, label=_("applications"))

    class Meta(DemandSerializer.Meta):
        fields = [*DemandSerializer.Meta.fields, "problem", "goal", "reward", "return_reason", "milestones",
                  "candidates", "applications"]
        read_only_fields = fields


class DemandFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=DemandStatus.choices, label=_("status"))
    route = django_filters.ChoiceFilter(choices=[c for c in Route.choices if c[0]], label=_("route"))
    industry = django_filters.CharFilter(field_name="industry", lookup_expr="startswith",
                                         label=_("industry (GB/T 4754)"))
    organization = IntegerFilter(field_name="organization_id", label=_("holding association"))

    class Meta:
        model = Demand
        fields = ["status", "route", "industry", "organization"]


_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


@extend_schema_view(list=extend_schema(summary=_("List technical demands")),
                    retrieve=extend_schema(summary=_("A technical demand with its milestones, experts and "
                                                     "applications"), parameters=[_ID]))
class DemandViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Demands held in the user's scope (confidential ones only for those named on them)."""

    model = Demand
    action_codes = {"list": VIEW, "retrieve": VIEW}
    serializer_class = DemandSerializer
    filterset_class = DemandFilter

    def get_serializer_class(self):
        return DemandDetailSerializer if self.action == "retrieve" else DemandSerializer

    def get_queryset(self):
        code = self.required_code()
        if getattr(self, "swagger_fake_view", False) or code is None:
            return Demand.objects.none()
        queryset = selectors.demands_visible(self.request.user, code).select_related("organization")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("milestones", "candidates__person", "applications")
        return queryset.order_by("-received_at", "-pk")


class FunnelSerializer(serializers.Serializer):
    received = serializers.IntegerField(label=_("demands received"))
    accepted = serializers.IntegerField(label=_("demands accepted"))
    routed = serializers.IntegerField(label=_("demands matched or published"))
    applied = serializers.IntegerField(label=_("demands applied to"))
    contracted = serializers.IntegerField(label=_("demands contracted"))
    completed = serializers.IntegerField(label=_("demands completed"))
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("contract amount (10,000 yuan)"))
    median_days_to_candidate = serializers.FloatField(allow_null=True,
                                                      label=_("median days to the first candidate"))


class FunnelRowSerializer(FunnelSerializer):
    organization = serializers.IntegerField(label=_("organisation"))
    organization_name = serializers.CharField(label=_("organisation"))


class FunnelLevelSerializer(FunnelSerializer):
    level = serializers.CharField(label=pgettext_lazy("funnel", "level"), help_text=_(
        "The kind of the holding associations (e.g. county_association), or \"self\" for the demands the "
        "organisation holds itself."))
    level_label = serializers.CharField(label=_("level name"))


class OrganizationFunnelSerializer(serializers.Serializer):
    organization = serializers.IntegerField(label=_("organisation"))
    organization_name = serializers.CharField(label=_("organisation"))
    funnel = FunnelSerializer(label=_("demand funnel"))
    children = FunnelRowSerializer(many=True, label=_("one level down"))
    levels = FunnelLevelSerializer(many=True, label=_("by level"), help_text=_(
        "The funnel by level of the holding association: the organisation itself first, then each kind of "
        "association below it that holds a demand in the period; the rows add up to the funnel."))


class FunnelQuery(serializers.Serializer):
    since = serializers.DateField(required=False, label=_("received from"))
    until = serializers.DateField(required=False, label=_("received before"))


# The period as a serializer: the schema then documents the 400 a date that is no date gets.
_PERIOD = [FunnelQuery]


@extend_schema_view(
    retrieve=extend_schema(summary=_("The demand funnel of an organisation's subtree"), parameters=[_ID, *_PERIOD],
                           responses=OrganizationFunnelSerializer))
class DemandFunnelViewSet(mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """The funnel of an organisation in the user's scope: received, accepted, matched or published,
    applied to, contracted, completed, the amount, the median days to the first candidate, and the
    same for each organisation one level down and for each level of holding association."""

    model = Organization
    action_codes = {"own": VIEW, "retrieve": VIEW}
    filter_backends: list = []
    pagination_class = None
    serializer_class = OrganizationFunnelSerializer

    def _answer(self, organization):
        period = FunnelQuery(data=self.request.query_params)
        period.is_valid(raise_exception=True)
        since, until = period.validated_data.get("since"), period.validated_data.get("until")
        rows = [{"organization": org.pk, "organization_name": org.name, **figures}
                for org, figures in selectors.funnel_by_child(organization, since, until)]
        levels = [{"level": level.code, "level_label": level.label, **level.figures}
                  for level in selectors.funnel_by_level(organization, since, until)]
        return Response(OrganizationFunnelSerializer({
            "organization": organization.pk, "organization_name": organization.name,
            "funnel": selectors.funnel(organization, since, until), "children": rows, "levels": levels}).data)

    @extend_schema(summary=_("The demand funnel of your organisation's subtree"), parameters=_PERIOD,
                   responses=OrganizationFunnelSerializer)
    @action(detail=False, methods=["get"])
    def own(self, request):
        organization = self.get_queryset().filter(pk=request.user.organization_id).first()
        if organization is None:
            return Response(OrganizationFunnelSerializer({
                "organization": 0, "organization_name": "", "children": [], "levels": [],
                "funnel": selectors.funnel(0)}).data)
        return self._answer(organization)

    def retrieve(self, request, pk=None):
        return self._answer(self.get_object())


def register(router) -> None:
    """Add this app's viewsets to ``router``."""
    router.register("demands", DemandViewSet, basename="demand")
    router.register("demand-funnel", DemandFunnelViewSet, basename="demandfunnel")
