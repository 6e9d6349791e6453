"""The surveys API: stations and rounds, read-only, in the same scope as the pages (stations
registered in the user's scope; rounds launched in it or in which one of its stations takes
part), each round with the completion of the stations the user may view. ``register`` adds its
routes to the API router (kexie.api.urls)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kexie.api.viewsets import ScopedReadOnlyViewSet

from . import selectors
from .models import RoundStatus, StationKind, SurveyRound, SurveyStation


class SurveyStationSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=_("registered under"))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label=_("station kind"))
    # Blank when the station's region is not known.
    region_code = serializers.CharField(allow_blank=True, read_only=True, label=_("region code"))

    class Meta:
        model = SurveyStation
        fields = ["id", "name", "kind", "kind_label", "host_unit", "region_code", "organization",
                  "organization_name", "investigators", "active"]
        read_only_fields = fields


class SurveyStationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=StationKind.choices, label=_("station kind"))
    region = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith", label=_("region code"))

    class Meta:
        model = SurveyStation
        fields = ["kind", "region", "active"]


class SurveyStationViewSet(ScopedReadOnlyViewSet):
    """Survey stations registered under an organisation of the user's scope."""

    model = SurveyStation
    action_codes = {"list": "survey.view", "retrieve": "survey.view"}
    serializer_class = SurveyStationSerializer
    filterset_class = SurveyStationFilter

    def base_queryset(self):
        return SurveyStation.objects.select_related("organization").prefetch_related("investigators")


class StationCompletionSerializer(serializers.Serializer):
    station = serializers.IntegerField(source="station.pk", label=_("survey station"))
    station_name = serializers.CharField(source="station.name", label=pgettext_lazy("survey station", "name"))
    quota = serializers.IntegerField(label=_("quota"))
    responses = serializers.IntegerField(label=_("Responses"))
    percent = serializers.IntegerField(label=_("Completion"))


class SurveyRoundSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("launched by"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    completion = serializers.SerializerMethodField(label=_("Completion"))

    class Meta:
        model = SurveyRound
        fields = ["id", "title", "year", "organization", "organization_name", "opens_on", "closes_on", "status",
                  "status_label", "definition", "completion"]
        read_only_fields = fields

    @extend_schema_field(StationCompletionSerializer(many=True))
    def get_completion(self, survey_round):
        request = self.context.get("request")
        participations = selectors.participations_for(request.user, survey_round) if request else None
        return StationCompletionSerializer(selectors.completion(survey_round, participations), many=True).data


class SurveyRoundFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, label=_("status"))

    class Meta:
        model = SurveyRound
        fields = ["status", "year"]


class SurveyRoundViewSet(ScopedReadOnlyViewSet):
    """Survey rounds launched in the user's scope or in which one of its stations takes part, with
    the completion of the stations in the user's scope."""

    model = SurveyRound
    action_codes = {"list": "survey.view", "retrieve": "survey.view"}
    serializer_class = SurveyRoundSerializer
    filterset_class = SurveyRoundFilter

    def base_queryset(self):
        return SurveyRound.objects.select_related("organization")


def register(router) -> None:
    """Add this app's viewsets to ``router``."""
    router.register("survey-stations", SurveyStationViewSet, basename="surveystation")
    router.register("survey-rounds", SurveyRoundViewSet, basename="surveyround")
