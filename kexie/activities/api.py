"""The activities API: the registry and its campaigns, read-only (the same scope as the pages:
activities hosted or co-hosted in the user's scope; every campaign, which the whole tree may
join). ``register`` adds its routes to the API router (kexie.api.urls)."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework import serializers

from kexie.api.viewsets import ScopedReadOnlyViewSet

from .models import Activity, ActivityCampaign, ActivityKind, ActivityStatus, CampaignKind, Setting


class ActivitySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("host"))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label=_("activity kind"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    # Blank when the activity has no particular setting: documented as such.
    setting = serializers.ChoiceField(choices=Setting.choices, allow_blank=True, read_only=True, label=_("setting"))

    class Meta:
        model = Activity
        fields = ["id", "kind", "kind_label", "setting", "title", "organization", "organization_name", "co_hosts",
                  "campaign", "place", "region_code", "starts_on", "ends_on", "audience", "online_views",
                  "staff_involved", "experts", "outputs", "status", "status_label", "cancel_reason"]
        read_only_fields = fields


class ActivityFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("activity kind"))
    status = django_filters.ChoiceFilter(choices=ActivityStatus.choices, label=_("status"))
    region = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith", label=_("region code"))
    since = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte", label=_("Starting from"))
    until = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte", label=_("Starting until"))

    class Meta:
        model = Activity
        fields = ["kind", "status", "region", "campaign", "since", "until"]


class ActivityViewSet(ScopedReadOnlyViewSet):
    """Activities hosted in the user's scope (and those an organisation in it co-hosts)."""

    model = Activity
    action_codes = {"list": "activity.view", "retrieve": "activity.view"}
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def base_queryset(self):
        return Activity.objects.select_related("organization").prefetch_related("co_hosts", "experts")


class ActivityCampaignSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("launched by"))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True,
                                       label=pgettext_lazy("activity", "campaign kind"))

    class Meta:
        model = ActivityCampaign
        fields = ["id", "name", "kind", "kind_label", "year", "starts_on", "ends_on", "organization",
                  "organization_name"]
        read_only_fields = fields


class ActivityCampaignFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices, label=pgettext_lazy("activity", "campaign kind"))

    class Meta:
        model = ActivityCampaign
        fields = ["kind", "year"]


class ActivityCampaignViewSet(ScopedReadOnlyViewSet):
    """Every activity campaign: a county's activities join the national 科普日, so the whole tree
    sees the campaigns."""

    model = ActivityCampaign
    scoped = False
    action_codes = {"list": "activity.view", "retrieve": "activity.view"}
    serializer_class = ActivityCampaignSerializer
    filterset_class = ActivityCampaignFilter

    def base_queryset(self):
        return ActivityCampaign.objects.select_related("organization")


def register(router) -> None:
    """Add this app's viewsets to ``router``."""
    router.register("activities", ActivityViewSet, basename="activity")
    router.register("activity-campaigns", ActivityCampaignViewSet, basename="activitycampaign")
    from .api_rollup import register as register_rollup

    register_rollup(router)
