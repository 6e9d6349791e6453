"""The volunteers API, read-only, with the same scope as the pages: teams, opportunities (with
their roles and free slots) and hours records kept by organisations in the user's scope.
``register`` adds its routes to the API router (kexie.api.urls)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kexie.api.viewsets import ScopedReadOnlyViewSet

from .models import HoursRecord, HoursSource, HoursStatus, Opportunity, OpportunityRole, OpportunityStatus, \
    TeamLevel, VolunteerTeam


class VolunteerTeamSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organisation"))
    level_label = serializers.CharField(source="get_level_display", read_only=True, label=_("team level"))
    leader_name = serializers.CharField(source="leader.name", read_only=True, default=None, allow_null=True,
                                        label=_("team leader"))

    class Meta:
        model = VolunteerTeam
        fields = ["id", "name", "level", "level_label", "organization", "organization_name", "parent", "leader",
                  "leader_name", "founded_on", "active"]
        read_only_fields = fields


class VolunteerTeamFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=TeamLevel.choices, label=_("team level"))

    class Meta:
        model = VolunteerTeam
        fields = ["level", "parent", "active"]


class VolunteerTeamViewSet(ScopedReadOnlyViewSet):
    """Volunteer teams of the organisations in the user's scope."""

    model = VolunteerTeam
    action_codes = {"list": "volunteer.view", "retrieve": "volunteer.view"}
    serializer_class = VolunteerTeamSerializer
    filterset_class = VolunteerTeamFilter

    def base_queryset(self):
        return VolunteerTeam.objects.select_related("organization", "leader")


class VolunteerRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpportunityRole
        fields = ["id", "name", "slots"]
        read_only_fields = fields


class VolunteerOpportunitySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organisation"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    roles = VolunteerRoleSerializer(many=True, read_only=True)

    class Meta:
        model = Opportunity
        fields = ["id", "title", "organization", "organization_name", "team", "description", "place", "starts_at",
                  "ends_at", "activity", "status", "status_label", "roles"]
        read_only_fields = fields


class VolunteerOpportunityFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=OpportunityStatus.choices, label=_("status"))
    since = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte", label=_("Starting from"))
    until = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte", label=_("Starting until"))

    class Meta:
        model = Opportunity
        fields = ["status", "team", "since", "until"]


class VolunteerOpportunityViewSet(ScopedReadOnlyViewSet):
    """Volunteer opportunities of the organisations in the user's scope."""

    model = Opportunity
    action_codes = {"list": "volunteer.view", "retrieve": "volunteer.view"}
    serializer_class = VolunteerOpportunitySerializer
    filterset_class = VolunteerOpportunityFilter

    def base_queryset(self):
        return Opportunity.objects.select_related("organization").prefetch_related("roles")


class VolunteerHoursSerializer(serializers.ModelSerializer):
    volunteer_name = serializers.CharField(source="volunteer.person.name", read_only=True, label=_("volunteer"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    hours = serializers.DecimalField(max_digits=6, decimal_places=1, read_only=True, coerce_to_string=False,
                                     label=_("hours"))

    class Meta:
        model = HoursRecord
        fields = ["id", "volunteer", "volunteer_name", "organization", "team", "opportunity", "source", "served_on",
                  "hours", "status", "status_label"]
        read_only_fields = fields


class VolunteerHoursFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=HoursStatus.choices, label=_("status"))
    source = django_filters.ChoiceFilter(choices=HoursSource.choices, label=_("source"))
    since = django_filters.DateFilter(field_name="served_on", lookup_expr="gte", label=_("Served from"))
    until = django_filters.DateFilter(field_name="served_on", lookup_expr="lte", label=_("Served until"))

    class Meta:
        model = HoursRecord
        fields = ["status", "source", "team", "opportunity", "since", "until"]


class VolunteerHoursViewSet(ScopedReadOnlyViewSet):
    """Service hours records counted for the organisations in the user's scope (the note, the
    volunteer's own words, is left out)."""

    model = HoursRecord
    action_codes = {"list": "volunteer.view", "retrieve": "volunteer.view"}
    serializer_class = VolunteerHoursSerializer
    filterset_class = VolunteerHoursFilter

    def base_queryset(self):
        return HoursRecord.objects.select_related("volunteer__person")


def register(router) -> None:
    """Add this app's viewsets to ``router``."""
    router.register("volunteer-teams", VolunteerTeamViewSet, basename="volunteerteam")
    router.register("volunteer-opportunities", VolunteerOpportunityViewSet, basename="volunteeropportunity")
    router.register("volunteer-hours", VolunteerHoursViewSet, basename="volunteerhours")
