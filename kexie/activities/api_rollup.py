"""The activity rollup in the API: the same figures as the rollup page and its export
(:func:`kexie.activities.rollups.rollup_table`) for an organisation in the user's scope —
held activities by kind, total and audience for the subtree, the organisation's own, one row per
child organisation that held activities (associations first), and how many children held none."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.api.viewsets import ScopedGenericViewSet
from kexie.organizations.models import Organization

from . import rollups
from .models import ActivityCampaign

VIEW = "activity.view"
_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


class KindCountSerializer(serializers.Serializer):
    kind = serializers.CharField(label=_("activity kind"))
    kind_label = serializers.CharField(label=_("activity kind"))
    count = serializers.IntegerField(label=_("Activities held"))


class FiguresSerializer(serializers.Serializer):
    total = serializers.IntegerField(label=_("Total"))
    audience = serializers.IntegerField(label=_("audience (attendances)"))
    by_kind = KindCountSerializer(many=True, label=_("by kind"))


class ChildFiguresSerializer(FiguresSerializer):
    organization = serializers.IntegerField(label=_("organisation"))
    organization_name = serializers.CharField(label=_("organisation"))


class RollupSerializer(serializers.Serializer):
    organization = serializers.IntegerField(label=_("organisation"))
    organization_name = serializers.CharField(label=_("organisation"))
    summary = FiguresSerializer(label=_("Total"))
    own = FiguresSerializer(label=_("own activities"))
    children = ChildFiguresSerializer(many=True, label=_("one level down"))
    folded = serializers.IntegerField(label=_("child organisations without activities"))


class RollupQuery(serializers.Serializer):
    since = serializers.DateField(required=False, label=_("Starting from"))
    until = serializers.DateField(required=False, label=_("Starting until"))
    campaign = serializers.IntegerField(required=False, min_value=1, label=_("campaign id"))


def _figures(figures: dict) -> dict:
    return {"total": figures["total"], "audience": figures["audience"],
            "by_kind": [{"kind": v, "kind_label": str(label), "count": n} for v, label, n in figures["by_kind"]]}


@extend_schema_view(retrieve=extend_schema(summary=_("The activity rollup of an organisation's subtree"),
                                           parameters=[_ID, RollupQuery], responses=RollupSerializer))
class ActivityRollupViewSet(mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Held activities of an organisation's subtree, as on the rollup page."""

    model = Organization
    action_codes = {"own": VIEW, "retrieve": VIEW}
    filter_backends: list = []
    pagination_class = None
    serializer_class = RollupSerializer

    def _answer(self, organization):
        query = RollupQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        campaign = None
        if data.get("campaign"):
            campaign = ActivityCampaign.objects.filter(pk=data["campaign"]).first()
            if campaign is None:
                raise serializers.ValidationError({"campaign": [_("Choose a campaign of the registry.")]})
        table = rollups.rollup_table(organization, since=data.get("since"), until=data.get("until"),
                                     campaign=campaign)
        return Response(RollupSerializer({
            "organization": organization.pk, "organization_name": organization.name,
            "summary": _figures(table["summary"]), "own": _figures(table["own"]), "folded": table["folded"],
            "children": [{"organization": child.pk, "organization_name": child.name, **_figures(figures)}
                         for child, figures in table["children"]]}).data)

    @extend_schema(summary=_("The activity rollup of your organisation's subtree"), parameters=[RollupQuery],
                   responses=RollupSerializer)
    @action(detail=False, methods=["get"])
    def own(self, request):
        organization = self.get_queryset().filter(pk=request.user.organization_id).first() or \
            self.get_queryset().order_by("pk").first()
        if organization is None:
            return Response(RollupSerializer({"organization": 0, "organization_name": "", "summary": _figures(
                rollups.selectors.rollup(0)), "own": _figures(rollups.selectors.rollup(0)), "children": [],
                "folded": 0}).data)
        return self._answer(organization)

    def retrieve(self, request, pk=None):
        return self._answer(self.get_object())


def register(router) -> None:
    router.register("activity-rollup", ActivityRollupViewSet, basename="activityrollup")
