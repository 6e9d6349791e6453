"""The selection API: 一流学会 selection rounds (with the applications the caller may see and, for
the organising association's staff, the ranking) and the "四个一批" flags with their decisions.

The viewsets go through the choke point of :mod:`kexie.api.viewsets`; rounds follow the
visibility rules of :mod:`kexie.selection.selectors` (staff, panel experts, applicants), flags
the ``evaluation.manage`` data scope. Writes go through :mod:`kexie.selection.services`.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.api.exceptions import validated
from kexie.api.filters import IntegerFilter
from kexie.api.viewsets import ScopedGenericViewSet

from . import selectors, services
from .models import (
    Application,
    DecisionAction,
    FlagDecision,
    FlagKind,
    FlagStatus,
    RoundStatus,
    SelectionRound,
    SocietyFlag,
)


class ApplicationSerializer(serializers.ModelSerializer):
    society_name = serializers.CharField(source="society.organization.name", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "society", "society_name", "status", "evaluation_score", "evaluation_grade", "eligible",
                  "eligibility", "on_notice", "submitted_at"]
        read_only_fields = fields


class SelectionRoundSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = SelectionRound
        fields = ["id", "organization", "organization_name", "year", "title", "quota", "min_score", "grades",
                  "inspection_years", "require_no_flag", "require_report", "status", "notice_starts_on",
                  "notice_ends_on", "decided_at"]
        read_only_fields = fields


class SelectionRoundDetailSerializer(SelectionRoundSerializer):
    applications = serializers.SerializerMethodField()
    ranking = serializers.SerializerMethodField()

    class Meta(SelectionRoundSerializer.Meta):
        fields = [*SelectionRoundSerializer.Meta.fields, "applications", "ranking"]
        read_only_fields = fields

    def get_applications(self, selection_round) -> list[dict]:
        user = self.context["request"].user
        return ApplicationSerializer(selectors.applications_of_round(user, selection_round).order_by("id"),
                                     many=True).data

    def get_ranking(self, selection_round) -> list[dict] | None:
        """For the organising association's staff: each application's rank, average and the
        experts' scores, recused ones marked with the reasons (null for anyone else)."""
        user = self.context["request"].user
        if not selectors.is_staff_of(user, selection_round):
            return None
        return [{
            "application": row.application.pk, "society_name": row.application.society.organization.name,
            "rank": row.rank, "average": row.average, "counted": row.counted,
            "scores": [{"expert": cell["expert"].pk, "expert_name": str(cell["expert"]),
                        "score": cell["score"].score if cell["score"] else None, "recused": cell["recused"]}
                       for cell in row.scores],
        } for row in selectors.ranking(selection_round)]


class RoundFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, label=_("status"))
    year = IntegerFilter(field_name="year", label=_("year"))

    class Meta:
        model = SelectionRound
        fields = ["status", "year"]


@extend_schema_view(list=extend_schema(summary=_("List selection rounds")),
                    retrieve=extend_schema(summary=_("A selection round with its applications and ranking")))
class SelectionRoundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """一流学会 selection rounds the caller may see: as staff of the organising association, as a
    panel expert, or as a society that may apply."""

    model = SelectionRound
    action_codes = {"list": "society.view", "retrieve": "society.view"}
    serializer_class = SelectionRoundSerializer
    filterset_class = RoundFilter
    ordering = ["-year", "-id"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False) or self.required_code() is None:
            return queryset
        return selectors.rounds_visible(self.request.user).select_related("organization")

    def get_serializer_class(self):
        return SelectionRoundDetailSerializer if self.action == "retrieve" else SelectionRoundSerializer


class FlagDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = FlagDecision
        fields = ["id", "action", "note", "deadline", "dissolved", "decided_at"]
        read_only_fields = fields


class SocietyFlagSerializer(serializers.ModelSerializer):
    society_name = serializers.CharField(source="society.organization.name", read_only=True)
    rule_code = serializers.CharField(source="rule.code", read_only=True)
    rule_name = serializers.CharField(source="rule.name", read_only=True)
    kind = serializers.CharField(source="rule.kind", read_only=True)
    decisions = FlagDecisionSerializer(many=True, read_only=True)

    class Meta:
        model = SocietyFlag
        fields = ["id", "society", "society_name", "kind", "rule_code", "rule_name", "year", "facts", "status",
                  "flagged_at", "computed_at", "resolved_at", "decisions"]
        read_only_fields = fields


class FlagDecisionCreateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=DecisionAction.choices, label=_("decision"))
    note = serializers.CharField(allow_blank=True, label=_("note"))
    deadline = serializers.DateField(required=False, allow_null=True, default=None, label=_("deadline"))
    dissolve = serializers.BooleanField(required=False, default=False, label=_("dissolve the society"))
    confirmed = serializers.BooleanField(required=False, default=False, label=_("dissolution confirmed"))


class FlagFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(field_name="rule__kind", choices=FlagKind.choices, label=_("kind"))
    rule = django_filters.CharFilter(field_name="rule__code", label=_("rule code"))
    status = django_filters.ChoiceFilter(choices=FlagStatus.choices, label=_("status"))
    society = IntegerFilter(field_name="society_id", label=_("society"))

    class Meta:
        model = SocietyFlag
        fields = ["kind", "rule", "status", "society"]


@extend_schema_view(list=extend_schema(summary=_("List four-batch flags")),
                    retrieve=extend_schema(summary=_("A four-batch flag with the facts that fired")))
class SocietyFlagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """"四个一批" flags of the societies in the caller's scope, with the facts that fired and the
    decisions taken."""

    model = SocietyFlag
    action_codes = {"list": "evaluation.manage", "retrieve": "evaluation.manage", "decide": "evaluation.manage"}
    serializer_class = SocietyFlagSerializer
    filterset_class = FlagFilter
    ordering = ["rule__position", "society_id", "id"]

    def base_queryset(self):
        return SocietyFlag.objects.select_related("society__organization", "rule").prefetch_related("decisions")

    @extend_schema(summary=_("Record a decision on a four-batch flag"), request=FlagDecisionCreateSerializer,
                   responses=SocietyFlagSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request, pk=None):
        flag = self.get_object()
        data = validated(FlagDecisionCreateSerializer(data=request.data))
        services.flag_decide(by=request.user, flag=flag, **data)
        return Response(SocietyFlagSerializer(self.base_queryset().get(pk=flag.pk)).data)
