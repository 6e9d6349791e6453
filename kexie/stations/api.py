"""The stations API: the registry read-only, each station with its facts and its entry check
(the same functions as the station page: :func:`kexie.stations.facts.fact_table` and
:func:`kexie.stations.facts.check_table`, for a whole page at once). ``register`` adds its routes to
the API router (kexie.api.urls)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kexie.api.viewsets import ScopedReadOnlyViewSet

from . import facts as station_facts
from .models import Station, StationStatus, StationType


class StationSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=_("registering association"))
    type_label = serializers.CharField(source="get_type_display", read_only=True, label=_("station type"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    facts = serializers.SerializerMethodField(label=_("Facts"))
    check = serializers.SerializerMethodField(label=_("Entry check"))
    below_threshold = serializers.SerializerMethodField(label=_("Below threshold"))

    class Meta:
        model = Station
        fields = ["id", "type", "type_label", "name", "organization", "organization_name", "host_unit",
                  "host_credit_code", "region_code", "partner_society", "agreement_start", "agreement_end", "status",
                  "status_label", "established_on", "address", "contact", "facts", "check", "below_threshold"]
        read_only_fields = fields

    def _results(self, station):
        cache = self.context.setdefault("_checks", {})
        if station.pk not in cache:
            cache[station.pk] = station_facts.check(station)
        return cache[station.pk]

    def _facts(self, station):
        cache = self.context.setdefault("_facts", {})
        if station.pk not in cache:
            cache.update(station_facts.fact_table([station]))
        return cache[station.pk].values()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_facts(self, station):
        return [{"code": f.code, "label": f.label, "value": f.value, "source": f.source}
                for f in self._facts(station)]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_check(self, station):
        return [{"fact": r.fact, "label": r.label, "value": r.value, "operator": r.operator,
                 "threshold": str(r.threshold), "passed": r.passed, "message": r.message, "source": r.source}
                for r in self._results(station)]

    @extend_schema_field(serializers.BooleanField())
    def get_below_threshold(self, station) -> bool:
        return any(not r.passed for r in self._results(station))


class StationFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(choices=StationType.choices, label=_("station type"))
    status = django_filters.ChoiceFilter(choices=StationStatus.choices, label=_("status"))
    region = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith", label=_("region code"))

    class Meta:
        model = Station
        fields = ["type", "status", "region"]


class StationViewSet(ScopedReadOnlyViewSet):
    """Stations and bases registered in the user's scope (and those a society in it partners)."""

    model = Station
    action_codes = {"list": "station.view", "retrieve": "station.view"}
    serializer_class = StationSerializer
    filterset_class = StationFilter

    def base_queryset(self):
        return Station.objects.select_related("organization", "partner_society")

    def paginate_queryset(self, queryset):
        """The page's stations, their facts and checks computed together (a few queries a page)."""
        page = super().paginate_queryset(queryset)
        if page is not None:
            table = station_facts.fact_table(page)
            self._tables = {"_facts": table, "_checks": station_facts.check_table(page, table=table)}
        return page

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **getattr(self, "_tables", {})}


def register(router) -> None:
    """Add this app's viewsets to ``router``."""
    router.register("stations", StationViewSet, basename="station")
