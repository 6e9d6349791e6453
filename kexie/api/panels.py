"""The review rounds API: the rounds in the user's scope and one round's items, panel seats with
their states (a sealed seat without a name), conflicts of interest with their reasons and, once
scoring is closed, the ranking.

Every figure comes from :mod:`kexie.panels.selectors`, the functions the round pages use.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers

from kexie.panels import selectors
from kexie.panels.models import ReviewItem, ReviewRound, RoundKind, RoundStatus

from .viewsets import ScopedGenericViewSet

VIEW = "expert.view"
# The ranking is shown once scoring is closed, never while experts are still scoring.


class ReviewRoundSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organisation"))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label=_("kind"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    award_call = serializers.SerializerMethodField(label=_("award call"))

    class Meta:
        model = ReviewRound
        fields = ["id", "organization", "organization_name", "library", "title", "kind", "kind_label", "status",
                  "status_label", "method", "drop_extremes", "reviewers_per_item", "load_cap", "notice_start",
                  "notice_end", "award_call", "created_at"]
        read_only_fields = fields

    def get_award_call(self, round) -> int | None:
        call = getattr(round, "award_call", None)
        return call.pk if call is not None else None


class ItemSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="",
                                              label=_("organisation under review"))
    person_names = serializers.SerializerMethodField(label=_("persons under review"))
    disciplines = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("disciplines"))

    class Meta:
        model = ReviewItem
        fields = ["id", "title", "disciplines", "organization", "organization_name", "person_names", "source"]
        read_only_fields = fields

    def get_person_names(self, item) -> list[str]:
        return [p.name for p in item.persons.all()]


class SeatSerializer(serializers.Serializer):
    seat = serializers.IntegerField(label=_("panel seat"))
    how = serializers.CharField(label=_("chosen by"))
    state = serializers.CharField(label=_("state"))
    condition = serializers.IntegerField(allow_null=True, label=_("condition"))
    alternate_order = serializers.IntegerField(allow_null=True, label=_("alternate order"))
    sealed = serializers.BooleanField(label=_("sealed"))
    name = serializers.CharField(label=_("expert"), help_text=_("Empty while the draw is sealed."))


class ConflictSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id", label=_("review item"))
    item_title = serializers.CharField(source="item.title", label=_("review item"))
    entry = serializers.IntegerField(source="entry_id", label=_("expert"))
    expert_name = serializers.CharField(source="entry.person.name", label=_("expert"))
    reason_code = serializers.CharField(label=_("reason"))
    message = serializers.CharField(label=_("message"))


class RankedItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(label=_("review item"))
    title = serializers.CharField(label=_("title"))
    rank = serializers.IntegerField(label=_("rank"))
    score = serializers.DecimalField(max_digits=7, decimal_places=2, label=_("panel score"))
    mean = serializers.DecimalField(max_digits=7, decimal_places=2, label=_("mean score"))
    reviewers = serializers.IntegerField(label=_("reviewers"))
    dropped = serializers.IntegerField(label=_("scores dropped"))


class ReviewRoundDetailSerializer(ReviewRoundSerializer):
    """A round with its items, panel, conflicts and (once scoring is closed) its ranking."""

    items = serializers.SerializerMethodField(label=_("review items"))
    seats = serializers.SerializerMethodField(label=_("panel"))
    conflicts = serializers.SerializerMethodField(label=_("conflicts of interest"))
    ranking = serializers.SerializerMethodField(label=_("ranking"), help_text=_(
        "Null until scoring is closed."))

    class Meta(ReviewRoundSerializer.Meta):
        fields = [*ReviewRoundSerializer.Meta.fields, "items", "seats", "conflicts", "ranking"]
        read_only_fields = fields

    @extend_schema_field(ItemSerializer(many=True))
    def get_items(self, round):
        rows = round.items.select_related("organization").prefetch_related("persons").order_by("pk")
        return ItemSerializer(rows, many=True).data

    @extend_schema_field(SeatSerializer(many=True))
    def get_seats(self, round):
        return SeatSerializer(selectors.panel(round), many=True).data

    @extend_schema_field(ConflictSerializer(many=True))
    def get_conflicts(self, round):
        return ConflictSerializer(selectors.conflicts(round), many=True).data

    @extend_schema_field(RankedItemSerializer(many=True, allow_null=True))
    def get_ranking(self, round):
        if not selectors.is_ranked(round):
            return None
        return RankedItemSerializer(selectors.ranking(round), many=True).data


class ReviewRoundFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=RoundKind.choices, label=_("kind"))
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, label=_("status"))

    class Meta:
        model = ReviewRound
        fields = ["kind", "status"]


@extend_schema_view(list=extend_schema(summary=_("List review rounds")),
                    retrieve=extend_schema(summary=_("A review round: items, panel, conflicts and ranking"),
                                           parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)]))
class ReviewRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Review rounds kept by the organisations in the user's scope."""

    model = ReviewRound
    action_codes = {"list": VIEW, "retrieve": VIEW}
    serializer_class = ReviewRoundSerializer
    filterset_class = ReviewRoundFilter

    def get_serializer_class(self):
        return ReviewRoundDetailSerializer if self.action == "retrieve" else ReviewRoundSerializer

    def base_queryset(self):
        return ReviewRound.objects.select_related("organization", "award_call").order_by("-created_at", "-pk")
