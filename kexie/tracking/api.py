"""The progress-tracking API: reporting cycles and their filing rates, progress reports and their
review, task snapshots and colour counts over an organisation subtree.

Every viewset goes through the choke point of :mod:`kexie.api.viewsets` (an action needs its
permission code; rows outside the code's data scope are 404). Writes go through
:mod:`kexie.tracking.services`, which check the reporting unit and the issuer. Evidence files
are sent as multipart/form-data and pass the same upload checks as everywhere else. Filing a
report may be sent again: the same filing is answered 200 with the saved report, and writes
nothing twice (see ``ReportViewSet.create``).
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.api.exceptions import validated
from kexie.api.filters import IntegerFilter
from kexie.api.schema import ErrorSerializer
from kexie.api.serializers import DatabaseIntegerField, ScopedOrganizationField
from kexie.api.viewsets import ScopedGenericViewSet
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.plans.models import ItemStatus, PlanItem

from . import selectors, services
from .models import Colour, DeferralRequest, ProgressReport, ReportingCycle, ReportStatus, TaskSnapshot


def _under(queryset, field: str, value):
    below = OrganizationClosure.objects.filter(ancestor_id=value).values("descendant_id")
    return queryset.filter(**{f"{field}__in": below})


# --- cycles ---------------------------------------------------------------------------------------

class CycleFilter(django_filters.FilterSet):
    plan = IntegerFilter(field_name="plan_id", label=_("plan"))

    class Meta:
        model = ReportingCycle
        fields = ["plan"]


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingCycle
        fields = ["id", "plan", "sequence", "label", "opens_on", "closes_on", "due_on"]
        read_only_fields = fields


class FilingUnitSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    organization = serializers.CharField()
    expected = serializers.IntegerField(help_text=_("Reports expected: its tasks times the cycles."))
    filed = serializers.IntegerField()
    late = serializers.IntegerField()
    on_time = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text=_(
        "Reports filed in percent of those expected (one decimal); null when none were expected."))


class FilingSerializer(serializers.Serializer):
    """The filing of one reporting cycle: per reporting unit within the user's scope, and in total."""

    units = FilingUnitSerializer(many=True)
    expected = serializers.IntegerField()
    filed = serializers.IntegerField()
    late = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text=_(
        "Reports filed in percent of those expected (one decimal); null when none were expected."))


@extend_schema_view(list=extend_schema(summary=_("List reporting cycles")),
                    retrieve=extend_schema(summary=_("A reporting cycle")))
class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Reporting cycles of the plans within the user's scope."""

    model = ReportingCycle
    action_codes = {"list": "plan.view", "retrieve": "plan.view", "filing": "plan.view"}
    serializer_class = CycleSerializer
    filterset_class = CycleFilter
    ordering = ["plan_id", "sequence"]

    @extend_schema(summary=_("Filing rate per reporting unit in this cycle"), filters=False,
                   responses=FilingSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def filing(self, request, pk=None):
        cycle = self.get_object()
        return Response(FilingSerializer(selectors.filing_rates(cycles=cycle, user=request.user)).data)


# --- reports --------------------------------------------------------------------------------------

class ReportFilter(django_filters.FilterSet):
    cycle = IntegerFilter(field_name="cycle_id", label=_("reporting cycle"))
    item = IntegerFilter(field_name="item_id", label=_("task"))
    status = django_filters.MultipleChoiceFilter(choices=ReportStatus.choices, label=_("status"))
    late = django_filters.BooleanFilter(label=_("late"))
    under = IntegerFilter(method="filter_under",
                                        label=_("reporting unit in the subtree of (organisation id)"))

    class Meta:
        model = ProgressReport
        fields = ["cycle", "item", "status", "late", "under"]

    def filter_under(self, queryset, name, value):
        return _under(queryset, "organization_id", value)


class ReportSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    item_title = serializers.CharField(source="item.title", read_only=True)
    actuals = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = ProgressReport
        fields = ["id", "item", "item_title", "organization", "organization_name", "cycle", "status", "progress",
                  "percent", "narrative", "actuals", "evidence", "late", "submitted_at", "reviewed_at",
                  "return_reason"]
        read_only_fields = fields

    def get_actuals(self, report) -> dict[str, str]:
        return {str(a.target_id): str(a.value) for a in report.actuals.all()}

    def get_evidence(self, report) -> list[str]:
        return [e.name for e in report.evidence.all()]


class ReportCreateSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=PlanItem.objects.all(), label=_("task"))
    organization = ScopedOrganizationField(code="report.submit", label=_("reporting unit"))
    cycle = serializers.PrimaryKeyRelatedField(queryset=ReportingCycle.objects.all(), label=_("reporting cycle"))
    progress = serializers.ChoiceField(choices=ItemStatus.choices, default=ItemStatus.IN_PROGRESS,
                                       label=_("progress"))
    # Taken as given: the service says, in the user's language, what is wrong with a value.
    percent = serializers.CharField(label=_("percent complete"))
    narrative = serializers.CharField(required=False, allow_blank=True, default="", label=_("narrative"))
    actuals = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict,
                                    label=_("indicator actuals"), help_text=_(
                                        "Target id → value reached (in a multipart form: actuals.<id>=value)."))
    # The upload checks (type, content, size) are the service's, with messages naming each file.
    evidence = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False,
                                     default=list, label=_("evidence"),
                                     help_text=_("Files sent as multipart/form-data: pdf, docx, xlsx, txt, png, jpg."))


class ReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason for return"))


@extend_schema_view(list=extend_schema(summary=_("List progress reports")),
                    retrieve=extend_schema(summary=_("A progress report")))
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Progress reports of the reporting units within the user's scope."""

    model = ProgressReport
    action_codes = {"list": "plan.view", "retrieve": "plan.view", "create": "report.submit",
                    "accept": "report.review", "send_back": "report.review"}
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    ordering = ["cycle_id", "item_id", "organization_id"]

    def base_queryset(self):
        return (ProgressReport.objects.select_related("item", "organization", "cycle")
                .prefetch_related("actuals", "evidence"))

    @extend_schema(
        summary=_("File a progress report (or file a returned one again)"),
        description=_(
            "Safe to send again. A report is unique per task, reporting unit and cycle, so the request itself "
            "names what it files and no Idempotency-Key header is needed: the same filing sent again by the same "
            "user (same values, the same files) — after a lost answer, a timeout or an error page, whatever became "
            "of the first answer — is answered 200 with the saved report, the body a GET of it returns, and "
            "writes nothing: no second report, audit record or notification. A different filing of a report "
            "already filed (and not returned) is refused with 400."),
        request=ReportCreateSerializer,
        responses={201: OpenApiResponse(ReportSerializer, description=_("Filed: the report as saved.")),
                   200: OpenApiResponse(ReportSerializer, description=_(
                       "This filing had already been saved (the request was sent again): the saved report."))})
    def create(self, request):
        data = validated(ReportCreateSerializer(data=request.data, context={"request": request}))
        report = ProgressReport.objects.filter(item=data["item"], organization=data["organization"],
                                               cycle=data["cycle"]).first() or ProgressReport(
            item=data["item"], organization=data["organization"], cycle=data["cycle"])
        report.progress, report.percent, report.narrative = data["progress"], data["percent"], data["narrative"]
        report = services.report_submit(by=request.user, report=report, actuals=data["actuals"],
                                        evidence=data["evidence"])
        # The answer is what was saved, read again after the commit — the same body as a GET.
        saved = self.base_queryset().get(pk=report.pk)
        return Response(ReportSerializer(saved).data,
                        status=status.HTTP_200_OK if report.replayed else status.HTTP_201_CREATED)

    @extend_schema(summary=_("Accept a report (the issuer's review)"), request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        report = services.report_accept(by=request.user, report=self.get_object())
        return Response(ReportSerializer(report).data)

    @extend_schema(summary=_("Return a report with a reason"), request=ReturnSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def send_back(self, request, pk=None):
        report = self.get_object()
        data = validated(ReturnSerializer(data=request.data))
        report = services.report_return(by=request.user, report=report, reason=data["reason"])
        return Response(ReportSerializer(report).data)


# --- snapshots ------------------------------------------------------------------------------------

class SnapshotFilter(django_filters.FilterSet):
    under = IntegerFilter(method="filter_under",
                                        label=_("ledger owner in the subtree of (organisation id)"))
    lead_under = IntegerFilter(method="filter_lead_under",
                                             label=_("lead unit in the subtree of (organisation id)"))
    colour = django_filters.MultipleChoiceFilter(choices=Colour.choices, label=_("colour"))
    overdue = django_filters.BooleanFilter(label=_("overdue"))
    plan = IntegerFilter(field_name="plan_id", label=_("plan"))

    class Meta:
        model = TaskSnapshot
        fields = ["under", "lead_under", "colour", "overdue", "plan"]

    def filter_under(self, queryset, name, value):
        return _under(queryset, "organization_id", value)

    def filter_lead_under(self, queryset, name, value):
        return _under(queryset, "lead_organization_id", value)


class SnapshotSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="item.title", read_only=True)

    class Meta:
        model = TaskSnapshot
        fields = ["item", "title", "plan", "organization", "lead_organization", "percent", "expected", "colour",
                  "completed", "overdue", "due", "baseline_due", "slips", "actuals", "as_of"]
        read_only_fields = fields


class ColourCountsSerializer(serializers.Serializer):
    """The colour counts of tasks (``selectors.colour_counts``): here and in the dashboard's answers."""

    green = serializers.IntegerField()
    amber = serializers.IntegerField()
    red = serializers.IntegerField()
    completed = serializers.IntegerField()
    overdue = serializers.IntegerField()
    total = serializers.IntegerField()


class CountsQuery(serializers.Serializer):
    under = DatabaseIntegerField(label=_("organisation"), required=False,
                                 help_text=_("The subtree's root; the user's own organisation by default."))
    by = serializers.ChoiceField(choices=[("organization", _("ledger owner")), ("lead_organization", _("lead unit"))],
                                 default="organization", label=_("count by"))


@extend_schema_view(list=extend_schema(summary=_("List task status snapshots")))
class SnapshotViewSet(mixins.ListModelMixin, ScopedGenericViewSet):
    """The current state of each tracked task: percent, expected progress, colour, overdue."""

    model = TaskSnapshot
    action_codes = {"list": "plan.view", "counts": "plan.view"}
    serializer_class = SnapshotSerializer
    filterset_class = SnapshotFilter
    ordering = ["item_id"]

    def base_queryset(self):
        return TaskSnapshot.objects.select_related("item")

    @extend_schema(summary=_("Tasks by colour, overdue and completed over an organisation subtree"),
                   parameters=[CountsQuery], filters=False, responses={
                       200: ColourCountsSerializer,
                       404: OpenApiResponse(ErrorSerializer, description=_("No such organisation."))})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def counts(self, request):
        query = validated(CountsQuery(data=request.query_params))
        organization = Organization.objects.filter(pk=query.get("under", request.user.organization_id)).first()
        if organization is None:
            raise exceptions.NotFound()
        counts = selectors.colour_counts(user=request.user, organization=organization, by=query["by"])
        return Response(ColourCountsSerializer(counts).data)


# --- deferrals ------------------------------------------------------------------------------------

class DeferralSerializer(serializers.ModelSerializer):
    item_title = serializers.CharField(source="item.title", read_only=True)

    class Meta:
        model = DeferralRequest
        fields = ["id", "item", "item_title", "organization", "previous_due", "requested_due", "reason", "status",
                  "requested_at", "decided_at", "decision_note"]
        read_only_fields = fields


class DeferralCreateSerializer(serializers.Serializer):
    item = serializers.PrimaryKeyRelatedField(queryset=PlanItem.objects.all(), label=_("task"))
    organization = ScopedOrganizationField(code="report.submit", label=_("requesting unit"))
    requested_due = serializers.DateField(label=_("requested deadline"))
    reason = serializers.CharField(label=_("reason"))


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason"))


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", label=_("decision note"))


@extend_schema_view(list=extend_schema(summary=_("List deferral requests")),
                    retrieve=extend_schema(summary=_("A deferral request")))
class DeferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Deferral requests (延期申请) of the units within the user's scope."""

    model = DeferralRequest
    action_codes = {"list": "plan.view", "retrieve": "plan.view", "create": "report.submit",
                    "approve": "deferral.approve", "reject": "deferral.approve"}
    serializer_class = DeferralSerializer
    ordering = ["-requested_at", "-id"]

    def base_queryset(self):
        return DeferralRequest.objects.select_related("item")

    @extend_schema(summary=_("Ask for a later deadline"), request=DeferralCreateSerializer,
                   responses={201: DeferralSerializer})
    def create(self, request):
        data = validated(DeferralCreateSerializer(data=request.data, context={"request": request}))
        deferral = services.deferral_request(by=request.user, **data)
        return Response(DeferralSerializer(deferral).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Approve a deferral (the issuer's decision)"), request=DecisionSerializer,
                   responses=DeferralSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        deferral = self.get_object()
        data = validated(DecisionSerializer(data=request.data))
        return Response(DeferralSerializer(services.deferral_approve(
            by=request.user, deferral=deferral, note=data["note"])).data)

    @extend_schema(summary=_("Refuse a deferral with a reason"), request=ReasonSerializer,
                   responses=DeferralSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def reject(self, request, pk=None):
        deferral = self.get_object()
        data = validated(ReasonSerializer(data=request.data))
        return Response(DeferralSerializer(services.deferral_reject(
            by=request.user, deferral=deferral, reason=data["reason"])).data)
