"""The evaluation API: rubrics with their dimensions and indicators, evaluations with their
breakdown (and the reviewer's scoring), and published leaderboards.

The viewsets go through the choke point of :mod:`kexie.api.viewsets`; an evaluation is also
visible to the expert assigned to review it, and only that expert may post its review (through
:func:`kexie.evaluation.services.evaluation_review`). A published leaderboard is readable by
every holder of ``society.view`` (it is a publication), like the page.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.api.exceptions import validated
from kexie.api.filters import IntegerFilter
from kexie.api.viewsets import ScopedReadOnlyViewSet

from . import services
from .models import Dimension, Evaluation, EvaluationStatus, Indicator, Leaderboard, Rubric, RubricStatus
from .selectors import assigned_to, evaluations_visible, next_grade


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "rule", "params", "max_points", "source", "evidence_required", "description"]
        read_only_fields = fields


class DimensionSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Dimension
        fields = ["id", "code", "name", "weight", "indicators"]
        read_only_fields = fields


class RubricSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    dimensions = DimensionSerializer(many=True, read_only=True)

    class Meta:
        model = Rubric
        fields = ["id", "organization", "organization_name", "name", "year", "version", "status", "grade_thresholds",
                  "size_bands", "previous", "frozen_at", "dimensions"]
        read_only_fields = fields


class RubricFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="year", label=_("year"))
    status = django_filters.ChoiceFilter(choices=RubricStatus.choices, label=_("status"))

    class Meta:
        model = Rubric
        fields = ["year", "status"]


class RubricViewSet(ScopedReadOnlyViewSet):
    """Rubrics (指标体系) of the associations in the user's scope."""

    model = Rubric
    action_codes = {"list": "society.view", "retrieve": "society.view"}
    serializer_class = RubricSerializer
    filterset_class = RubricFilter

    def base_queryset(self):
        return Rubric.objects.select_related("organization").prefetch_related("dimensions__indicators")


class EvaluationSerializer(serializers.ModelSerializer):
    society_name = serializers.CharField(source="society.organization.name", read_only=True)
    next_grade = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = ["id", "society", "society_name", "rubric", "year", "status", "self_total", "reviewer_total",
                  "final_total", "grade", "rank", "peer_group", "peer_rank", "previous_rank", "self_breakdown",
                  "final_breakdown", "next_grade", "submitted_at", "reviewed_at", "finalised_at"]
        read_only_fields = fields

    def get_next_grade(self, evaluation) -> dict | None:
        """The points still needed for the next grade up, and its label (null at the top)."""
        gap = next_grade(evaluation)
        return None if gap is None else {"points": str(gap["points"]), "grade": gap["grade"]}


class ReviewScoreSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(label=_("indicator"))
    # Taken as given: the service names the indicator and its maximum when the points are out of range.
    points = serializers.CharField(allow_blank=True, allow_null=True, required=False, label=_("reviewer's points"))
    comment = serializers.CharField(allow_blank=True, required=False, label=_("reviewer's comment"))


class ReviewSerializer(serializers.Serializer):
    scores = ReviewScoreSerializer(many=True)


class EvaluationFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="year", label=_("year"))
    rubric = IntegerFilter(field_name="rubric_id", label=_("rubric"))
    status = django_filters.ChoiceFilter(choices=EvaluationStatus.choices, label=_("status"))

    class Meta:
        model = Evaluation
        fields = ["year", "rubric", "status"]


class EvaluationViewSet(ScopedReadOnlyViewSet):
    """Societies' evaluations in the user's scope (a society secretary: their own), and those
    assigned to the user for review."""

    model = Evaluation
    action_codes = {"list": "society.view", "retrieve": "society.view", "review": "evaluation.score"}
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter

    def base_queryset(self):
        return Evaluation.objects.select_related("society__organization", "rubric").order_by("-year", "rank", "id")

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False) or self.required_code() is None:
            return queryset
        user = self.request.user
        # Review work goes to the assigned expert only; reading adds what is assigned to the scope.
        allowed = assigned_to(user) if self.action == "review" else evaluations_visible(user)
        return self.base_queryset().filter(pk__in=allowed.values("pk"))

    @extend_schema(request=ReviewSerializer, responses=EvaluationSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def review(self, request, pk=None):
        """The reviewer's points (null: as computed) and comment per indicator."""
        evaluation = self.get_object()
        data = validated(ReviewSerializer(data=request.data))
        scores = {s["indicator"]: {"points": s.get("points"), "comment": s.get("comment", "")} for s in data["scores"]}
        evaluation = services.evaluation_review(by=request.user, evaluation=evaluation, scores=scores)
        return Response(EvaluationSerializer(self.base_queryset().get(pk=evaluation.pk)).data)


class LeaderboardSerializer(serializers.ModelSerializer):
    organization = serializers.IntegerField(source="rubric.organization_id", read_only=True)

    class Meta:
        model = Leaderboard
        fields = ["id", "rubric", "organization", "year", "title", "published_at", "rows"]
        read_only_fields = fields


class LeaderboardViewSet(ScopedReadOnlyViewSet):
    """Published leaderboards (学会创新工作排行榜), their rows as published."""

    model = Leaderboard
    scoped = False  # a publication: every holder of society.view may read it
    action_codes = {"list": "society.view", "retrieve": "society.view"}
    serializer_class = LeaderboardSerializer
    filterset_fields = ["year", "rubric"]

    def base_queryset(self):
        return Leaderboard.objects.select_related("rubric").order_by("-year", "-published_at")
