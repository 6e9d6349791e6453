"""The visits API, read-only: the service teams in the user's scope with their rosters, and the
visits with their experts and follow-up (``overdue`` as :func:`kexie.visits.selectors.overdue_followups`
decides it for the pages and the reminders). ``register`` adds its routes to the API router
(kexie.api.urls)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kexie.api.filters import IntegerFilter
from kexie.api.viewsets import ScopedReadOnlyViewSet

from .models import FollowUpStatus, ServiceTeam, TeamKind, TeamStatus, Visit
from .selectors import VIEW


class TeamSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organisation"))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label=_("team kind"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    disciplines = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("disciplines"))
    industries = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("industries"))
    members = serializers.SerializerMethodField(label=_("Roster"))

    class Meta:
        model = ServiceTeam
        fields = ["id", "organization", "organization_name", "name", "kind", "kind_label", "mission", "disciplines",
                  "industries", "starts_on", "ends_on", "status", "status_label", "members"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_members(self, team):
        return [{"person": m.person_id, "name": m.person.name, "role": m.role, "role_label": m.get_role_display()}
                for m in team.members.all()]


class VisitSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organisation"))
    team_name = serializers.CharField(source="team.name", read_only=True, default="", label=_("service team"))
    county_name = serializers.CharField(source="county.name", read_only=True, default="", label=_("county served"))
    experts = serializers.SerializerMethodField(label=_("experts who went"))
    # "open", "done", or empty for a visit that needs no follow-up (the enum has no empty choice).
    followup_status = serializers.CharField(read_only=True, label=_("follow-up"))
    followup_status_label = serializers.CharField(source="get_followup_status_display", read_only=True,
                                                  label=_("follow-up"))
    overdue = serializers.SerializerMethodField(label=_("overdue"))

    class Meta:
        model = Visit
        fields = ["id", "team", "team_name", "organization", "organization_name", "date", "place", "county",
                  "county_name", "enterprise", "problem", "advice", "experts", "staff_present", "followup_owner",
                  "followup_due", "followup_status", "followup_status_label", "done_at", "outcome", "overdue"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_experts(self, visit):
        return [{"person": p.pk, "name": p.name} for p in visit.persons.all()]

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, visit) -> bool:
        return visit.followup_status == FollowUpStatus.OPEN and visit.followup_due < timezone.localdate()


class TeamFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices, label=_("team kind"))
    status = django_filters.ChoiceFilter(choices=TeamStatus.choices, label=_("status"))

    class Meta:
        model = ServiceTeam
        fields = ["kind", "status"]


class VisitFilter(django_filters.FilterSet):
    team = IntegerFilter(field_name="team_id", label=_("service team"))
    since = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("period from"))
    until = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("period until"))
    followup_status = django_filters.ChoiceFilter(choices=FollowUpStatus.choices, label=_("follow-up"))

    class Meta:
        model = Visit
        fields = ["team", "since", "until", "followup_status"]


class ServiceTeamViewSet(ScopedReadOnlyViewSet):
    """Service teams kept by the organisations in the user's scope, with their rosters."""

    model = ServiceTeam
    action_codes = {"list": VIEW, "retrieve": VIEW}
    serializer_class = TeamSerializer
    filterset_class = TeamFilter

    def base_queryset(self):
        return ServiceTeam.objects.select_related("organization").prefetch_related("members__person").order_by("-pk")


class VisitViewSet(ScopedReadOnlyViewSet):
    """Visits logged by the organisations in the user's scope, the latest first."""

    model = Visit
    action_codes = {"list": VIEW, "retrieve": VIEW}
    serializer_class = VisitSerializer
    filterset_class = VisitFilter

    def base_queryset(self):
        return (Visit.objects.select_related("organization", "team", "county").prefetch_related("persons")
                .order_by("-date", "-pk"))


def register(router) -> None:
    """Add this app's viewsets to ``router``."""
    router.register("service-teams", ServiceTeamViewSet, basename="serviceteam")
    router.register("visits", VisitViewSet, basename="visit")
