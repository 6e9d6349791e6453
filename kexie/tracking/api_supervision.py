"""The supervision API: supervision notices (督办单) with issue, reply and close, and leaders'
instructions (批示).

The viewsets go through the choke point of :mod:`kexie.api.viewsets`; writes go through
:mod:`kexie.tracking.supervision`, which checks the issuer and the responsible unit. Reply
evidence is sent as multipart/form-data and passes the same upload checks as everywhere else.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.api.exceptions import validated
from kexie.api.filters import IntegerFilter
from kexie.api.serializers import ScopedOrganizationField
from kexie.api.viewsets import ScopedGenericViewSet
from kexie.organizations.models import OrganizationClosure
from kexie.plans.models import PlanItem

from . import supervision
from .models import Instruction, NoticeStatus, SupervisionNotice

# --- notices --------------------------------------------------------------------------------------


class NoticeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=NoticeStatus.choices, method="filter_status",
                                         label=_("status (overdue: issued and past the reply deadline)"))
    under = IntegerFilter(method="filter_under",
                                        label=_("supervised unit in the subtree of (organisation id)"))
    year = IntegerFilter(field_name="year", label=_("year"))
    item = IntegerFilter(field_name="item_id", label=_("task"))

    class Meta:
        model = SupervisionNotice
        fields = ["status", "under", "year", "item"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(supervision.status_q(value, timezone.localdate()))

    def filter_under(self, queryset, name, value):
        below = OrganizationClosure.objects.filter(ancestor_id=value).values("descendant_id")
        return queryset.filter(organization_id__in=below)


class SupervisionNoticeSerializer(serializers.ModelSerializer):
    item_title = serializers.CharField(source="item.title", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    issuer_name = serializers.CharField(source="issuer.name", read_only=True)
    status = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = SupervisionNotice
        fields = ["id", "number", "item", "item_title", "organization", "organization_name", "issuer", "issuer_name",
                  "year", "reason", "reply_due", "status", "issued_at", "reply_text", "replied_at", "replied_late",
                  "evidence", "closed_at"]
        read_only_fields = fields

    def get_status(self, notice) -> str:
        """issued / overdue / replied / closed, as of today."""
        return notice.status_on(timezone.localdate())

    def get_evidence(self, notice) -> list[str]:
        return [e.name for e in notice.evidence.all()]


class SupervisionNoticeCreateSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=PlanItem.objects.all(), label=_("task"))
    organization = ScopedOrganizationField(code="supervise.manage", label=_("supervised unit"))
    # Taken as given: the service says, in the user's language, what is wrong with it.
    reason = serializers.CharField(allow_blank=True, label=_("reason for supervision"))
    reply_due = serializers.DateField(label=_("reply deadline"))


class NoticeReplySerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, label=_("reply"))
    # The upload checks (type, content, size) are the service's, with messages naming each file.
    evidence = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False,
                                     default=list, label=_("evidence"),
                                     help_text=_("Files sent as multipart/form-data: pdf, docx, xlsx, txt, png, jpg."))


@extend_schema_view(list=extend_schema(summary=_("List supervision notices")),
                    retrieve=extend_schema(summary=_("A supervision notice")))
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Supervision notices addressed to units within the user's scope."""

    model = SupervisionNotice
    action_codes = {"list": "plan.view", "retrieve": "plan.view", "create": "supervise.manage",
                    "reply": "report.submit", "close": "supervise.manage"}
    serializer_class = SupervisionNoticeSerializer
    filterset_class = NoticeFilter
    ordering = ["-year", "-sequence"]

    def base_queryset(self):
        return SupervisionNotice.objects.select_related("item", "organization", "issuer").prefetch_related("evidence")

    @extend_schema(summary=_("Issue a supervision notice on a task to one of its responsible units"),
                   request=SupervisionNoticeCreateSerializer, responses={201: SupervisionNoticeSerializer})
    def create(self, request):
        data = validated(SupervisionNoticeCreateSerializer(data=request.data, context={"request": request}))
        notice = supervision.supervision_issue(by=request.user, **data)
        return Response(SupervisionNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Reply to a supervision notice, with evidence files"), request=NoticeReplySerializer,
                   responses=SupervisionNoticeSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reply(self, request, pk=None):
        notice = self.get_object()
        data = validated(NoticeReplySerializer(data=request.data))
        notice = supervision.supervision_reply(by=request.user, notice=notice, text=data["text"],
                                               evidence=data["evidence"])
        return Response(SupervisionNoticeSerializer(self.base_queryset().get(pk=notice.pk)).data)

    @extend_schema(summary=_("Close a replied supervision notice (the issuer's sign-off)"), request=None,
                   responses=SupervisionNoticeSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def close(self, request, pk=None):
        notice = supervision.supervision_close(by=request.user, notice=self.get_object())
        return Response(SupervisionNoticeSerializer(self.base_queryset().get(pk=notice.pk)).data)


# --- instructions ---------------------------------------------------------------------------------

class InstructionFilter(django_filters.FilterSet):
    item = IntegerFilter(field_name="item_id", label=_("task"))

    class Meta:
        model = Instruction
        fields = ["item"]


class InstructionSerializer(serializers.ModelSerializer):
    item_title = serializers.CharField(source="item.title", read_only=True)
    author_name = serializers.SerializerMethodField()
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="")

    class Meta:
        model = Instruction
        fields = ["id", "item", "item_title", "text", "author_name", "organization", "organization_name",
                  "created_at"]
        read_only_fields = fields

    def get_author_name(self, instruction) -> str:
        author = instruction.author
        return (author.full_name or author.get_username()) if author else ""


class InstructionCreateSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=PlanItem.objects.all(), label=_("task"))
    text = serializers.CharField(allow_blank=True, label=_("instruction"))


@extend_schema_view(list=extend_schema(summary=_("List leaders' instructions")))
class InstructionViewSet(mixins.ListModelMixin, ScopedGenericViewSet):
    """Leaders' instructions (批示) on tasks the user sees or whose responsible units are in scope."""

    model = Instruction
    action_codes = {"list": "plan.view", "create": "supervise.manage"}
    serializer_class = InstructionSerializer
    filterset_class = InstructionFilter
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False) or self.action != "list":
            return queryset
        # The responsible units read the instructions on their tasks even in another's plan.
        return supervision.instructions_visible(self.request.user, self.required_code())

    @extend_schema(summary=_("Write an instruction on a task"), request=InstructionCreateSerializer,
                   responses={201: InstructionSerializer})
    def create(self, request):
        data = validated(InstructionCreateSerializer(data=request.data))
        instruction = supervision.instruction_add(by=request.user, **data)
        return Response(InstructionSerializer(instruction).data, status=status.HTTP_201_CREATED)
