"""The alignment (对标) API: start an alignment, read it with its suggestions, decide items, the
coverage report.

Every viewset goes through the choke point of :mod:`kexie.api.viewsets`: each action maps to a
permission code and every queryset is limited to that code's data scope over the *lower* plan
(404 outside it). Writes go through :mod:`kexie.plans.alignment`.
"""

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.api.exceptions import validated
from kexie.api.serializers import ScopedPrimaryKeyField
from kexie.api.viewsets import ScopedGenericViewSet

from . import alignment as services
from .models import AlignmentStatus, AlignmentSuggestion, ItemAlignment, Plan, PlanAlignment


class _ChangeablePlanField(ScopedPrimaryKeyField):
    model = Plan


class AlignmentStartSerializer(serializers.Serializer):
    plan = _ChangeablePlanField(code="plan.change", label=_("plan"),
                                help_text=_("The lower plan, whose items are aligned."))
    upper_plan = serializers.IntegerField(label=_("upper plan"), help_text=_(
        "A plan in force of an organisation above the lower plan's (or of its own), or one you may see."))
    threshold = serializers.FloatField(label=_("threshold"), required=False, allow_null=True, default=None,
                                       help_text=_("Score from which a suggestion counts as a counterpart; "
                                                   "0.28 when not given."))


class AlignmentDecideSerializer(serializers.Serializer):
    upper_item = serializers.IntegerField(label=_("upper item"), required=False, allow_null=True, default=None,
                                          help_text=_("An item of the upper plan."))
    no_counterpart = serializers.BooleanField(label=_("no counterpart"), required=False, default=False,
                                              help_text=_("True: the item has no counterpart in the upper plan."))

    def validate(self, attrs):
        if attrs["no_counterpart"] == (attrs["upper_item"] is not None):
            raise serializers.ValidationError(
                {"upper_item": _("Give an upper item, or set no_counterpart to true — one of the two.")})
        return attrs


class AcceptAboveSerializer(serializers.Serializer):
    threshold = serializers.FloatField(label=_("threshold"), required=False, allow_null=True, default=None)


class SuggestionSerializer(serializers.Serializer):
    upper_item = serializers.IntegerField(source="upper_item_id")
    key = serializers.CharField(source="upper_item.key")
    title = serializers.CharField(source="upper_item.title")
    rank = serializers.IntegerField()
    score = serializers.FloatField()


class ItemAlignmentSerializer(serializers.ModelSerializer):
    key = serializers.CharField(source="item.key", read_only=True)
    title = serializers.CharField(source="item.title", read_only=True)
    kind = serializers.CharField(source="item.kind", read_only=True)
    upper_key = serializers.CharField(source="upper_item.key", read_only=True, allow_null=True, default=None)
    upper_title = serializers.CharField(source="upper_item.title", read_only=True, allow_null=True, default=None)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    suggestions = SuggestionSerializer(many=True, read_only=True)

    class Meta:
        model = ItemAlignment
        fields = ["id", "item", "key", "title", "kind", "upper_item", "upper_key", "upper_title", "score", "rank",
                  "status", "status_display", "decided_by", "decided_at", "suggestions"]
        read_only_fields = fields


class PlanAlignmentSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    upper_plan_title = serializers.CharField(source="upper_plan.title", read_only=True)
    item_count = serializers.IntegerField(read_only=True)
    undecided_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = PlanAlignment
        fields = ["id", "plan", "plan_title", "upper_plan", "upper_plan_title", "threshold", "item_count",
                  "undecided_count", "created_by", "created_at", "updated_at"]
        read_only_fields = fields


class PlanAlignmentDetailSerializer(PlanAlignmentSerializer):
    items = serializers.SerializerMethodField()

    class Meta(PlanAlignmentSerializer.Meta):
        fields = [*PlanAlignmentSerializer.Meta.fields, "items"]
        read_only_fields = fields

    @extend_schema_field(ItemAlignmentSerializer(many=True))
    def get_items(self, alignment):
        return ItemAlignmentSerializer(services.alignment_rows(alignment), many=True).data


class CoverageItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    key = serializers.CharField()
    title = serializers.CharField()


class CoverageSerializer(serializers.Serializer):
    threshold = serializers.FloatField(help_text=_("Score from which a suggestion counts at all."))
    strong_threshold = serializers.FloatField(source="strong", help_text=_(
        "Score from which an undecided first suggestion counts as covering (a strong suggestion)."))
    upper_task_count = serializers.SerializerMethodField()
    covered_count = serializers.IntegerField(help_text=_("Upper tasks covered: by a decision or a strong suggestion."))
    partial_count = serializers.IntegerField(help_text=_("Upper tasks answered only by weak suggestions."))
    uncovered_count = serializers.IntegerField(help_text=_("Upper tasks nothing answers."))
    rate = serializers.FloatField(help_text=_("Share of the upper tasks covered, 0 to 1."))
    covered_upper = CoverageItemSerializer(source="covered", many=True, help_text=_("Upper tasks covered."))
    partial_upper = CoverageItemSerializer(source="partial", many=True, help_text=_(
        "Upper tasks answered only by weak suggestions: partly, to be confirmed."))
    uncovered_upper = CoverageItemSerializer(source="uncovered", many=True,
                                             help_text=_("Upper tasks with no counterpart (任务不少)."))
    tentative_upper = CoverageItemSerializer(source="tentative", many=True, help_text=_(
        "Covered upper tasks that only strong suggestions nobody has confirmed yet answer."))
    unaligned_lower = CoverageItemSerializer(source="unaligned", many=True,
                                             help_text=_("Tasks of the lower plan aligned to nothing."))
    undecided = serializers.IntegerField(help_text=_("Lower items without a decision."))
    strong_undecided = serializers.IntegerField(help_text=_(
        "Lower items without a decision whose first suggestion is strong (what accept-strong accepts)."))
    summary = serializers.SerializerMethodField()

    def get_upper_task_count(self, report) -> int:
        return len(report.upper_tasks)

    def get_summary(self, report) -> str:
        return report.summary()


@extend_schema_view(
    list=extend_schema(summary=_("List alignments of plans to upper plans")),
    retrieve=extend_schema(summary=_("An alignment with every item's counterpart and suggestions")),
)
class PlanAlignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Alignments of the plans in the user's scope to their upper plans."""

    model = PlanAlignment
    action_codes = {"list": "plan.view", "retrieve": "plan.view", "create": "plan.change",
                    "coverage": "plan.view", "accept_above": "plan.change", "accept_strong": "plan.change"}
    filterset_fields = ["plan", "upper_plan"]
    ordering = ["-updated_at", "-id"]

    def get_serializer_class(self):
        return PlanAlignmentDetailSerializer if self.action == "retrieve" else PlanAlignmentSerializer

    def base_queryset(self):
        return PlanAlignment.objects.select_related("plan", "upper_plan").annotate(
            item_count=Count("items", distinct=True),
            undecided_count=Count("items", filter=Q(items__status=AlignmentStatus.SUGGESTED), distinct=True))

    def _read(self, alignment, code=status.HTTP_200_OK):
        alignment = self.base_queryset().get(pk=alignment.pk)
        return Response(PlanAlignmentDetailSerializer(alignment, context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(summary=_("Align a plan to an upper plan: suggestions are computed and stored"),
                   request=AlignmentStartSerializer, responses={201: PlanAlignmentDetailSerializer})
    def create(self, request):
        data = validated(AlignmentStartSerializer(data=request.data, context=self.get_serializer_context()))
        upper = Plan.objects.filter(pk=data["upper_plan"]).first()
        alignment = services.alignment_start(by=request.user, plan=data["plan"], upper_plan=upper,
                                             threshold=data["threshold"])
        return self._read(alignment, status.HTTP_201_CREATED)

    @extend_schema(summary=_("Coverage: upper tasks without a counterpart, lower tasks aligned to nothing"),
                   filters=False, responses=CoverageSerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def coverage(self, request, pk=None):
        report = services.alignment_coverage(self.get_object())
        return Response(CoverageSerializer(report).data)

    @extend_schema(summary=_("Accept every undecided first suggestion from the threshold"),
                   request=AcceptAboveSerializer, responses=PlanAlignmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="accept-above", filter_backends=[])
    def accept_above(self, request, pk=None):
        alignment = self.get_object()
        data = validated(AcceptAboveSerializer(data=request.data))
        services.alignment_accept_all_above(by=request.user, alignment=alignment, threshold=data["threshold"])
        return self._read(alignment)

    @extend_schema(summary=_("Accept every undecided strong first suggestion (接受全部强对应)"),
                   request=None, responses=PlanAlignmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="accept-strong", filter_backends=[])
    def accept_strong(self, request, pk=None):
        alignment = self.get_object()
        services.alignment_accept_strong(by=request.user, alignment=alignment)
        return self._read(alignment)


class ItemAlignmentViewSet(ScopedGenericViewSet):
    """Deciding one lower item's counterpart."""

    model = ItemAlignment
    action_codes = {"decide": "plan.change"}
    serializer_class = ItemAlignmentSerializer

    def base_queryset(self):
        return ItemAlignment.objects.select_related("alignment__upper_plan", "item", "upper_item").prefetch_related(
            Prefetch("suggestions", queryset=AlignmentSuggestion.objects.select_related("upper_item")))

    @extend_schema(summary=_("Decide an item's counterpart: an upper item, or none"),
                   request=AlignmentDecideSerializer, responses=ItemAlignmentSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def decide(self, request, pk=None):
        row = self.get_object()
        data = validated(AlignmentDecideSerializer(data=request.data))
        upper_item = None if data["no_counterpart"] else services.upper_item_by_id(row.alignment, data["upper_item"])
        row = services.alignment_decide(by=request.user, item_alignment=row, upper_item=upper_item)
        return Response(ItemAlignmentSerializer(self.base_queryset().get(pk=row.pk)).data)
