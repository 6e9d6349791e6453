"""The society API: the registry (read) and annual reports (draft, submit, return, accept).

Every viewset goes through the choke point of :mod:`kexie.api.viewsets`; writes go through
:mod:`kexie.societies.services`.
"""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.api.exceptions import validated
from kexie.api.filters import IntegerFilter
from kexie.api.viewsets import ScopedGenericViewSet, ScopedReadOnlyViewSet

from . import selectors, services
from .models import AnnualReport, AnnualReportStatus, Discipline, SocietyProfile


class SocietyFilter(django_filters.FilterSet):
    discipline = django_filters.ChoiceFilter(choices=Discipline.choices, label=_("discipline group"))
    q = django_filters.CharFilter(method="filter_q", label=_("name, short name, alias or pinyin"))

    class Meta:
        model = SocietyProfile
        fields = ["discipline", "q"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(organization__search_text__contains=value.strip().lower())


class SocietySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(source="organization.name", read_only=True)
    credit_code = serializers.CharField(source="organization.credit_code", read_only=True)
    status = serializers.CharField(source="organization.status", read_only=True)
    term_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = SocietyProfile
        fields = ["id", "name", "credit_code", "status", "discipline", "supervising_body", "supervising_body_name",
                  "legal_status", "secretary_general", "secretary_general_full_time", "secretary_general_appointed",
                  "secretariat_staff", "individual_members", "group_members", "party_organization", "reachable",
                  "unreachable_since", "term_overdue"]
        read_only_fields = fields


@extend_schema_view(list=extend_schema(summary=_("List societies")), retrieve=extend_schema(
    summary=_("A society"), parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)]))
class SocietyViewSet(ScopedReadOnlyViewSet):
    """The societies in the registry within the user's scope."""

    model = SocietyProfile
    action_codes = {"list": "society.view", "retrieve": "society.view"}
    serializer_class = SocietySerializer
    filterset_class = SocietyFilter

    def base_queryset(self):
        return selectors.with_term_overdue(SocietyProfile.objects.select_related("organization"),
                                           timezone.localdate()).order_by("organization__name", "pk")


class AnnualReportSerializer(serializers.ModelSerializer):
    society_name = serializers.CharField(source="society.organization.name", read_only=True)
    due_on = serializers.DateField(source="round.due_on", read_only=True, label=_("reports due on"))

    class Meta:
        model = AnnualReport
        fields = ["id", "society", "society_name", "year", "status", *services.REPORT_VALUE_FIELDS, "due_on",
                  "submitted_at", "late", "reviewed_at", "return_reason"]
        read_only_fields = fields


class AnnualReportValuesSerializer(serializers.ModelSerializer):
    """The values of a report; any may be left out of a draft."""

    class Meta:
        model = AnnualReport
        fields = list(services.REPORT_VALUE_FIELDS)
        extra_kwargs = {name: {"required": False} for name in services.REPORT_VALUE_FIELDS}


class AnnualReportDraftSerializer(AnnualReportValuesSerializer):
    society = serializers.PrimaryKeyRelatedField(queryset=SocietyProfile.objects.all(), label=_("society"))
    year = serializers.IntegerField(label=_("year"), min_value=2000, max_value=2100)

    class Meta(AnnualReportValuesSerializer.Meta):
        fields = ["society", "year", *services.REPORT_VALUE_FIELDS]


class AnnualReportReturnSerializer(serializers.Serializer):
    reason = serializers.CharField(label=_("reason for return"))


class AnnualReportFilter(django_filters.FilterSet):
    year = IntegerFilter(label=_("year"))
    status = django_filters.ChoiceFilter(choices=AnnualReportStatus.choices, label=_("status"))
    society = IntegerFilter(field_name="society_id", label=_("society"))
    late = django_filters.BooleanFilter(label=_("filed late"))

    class Meta:
        model = AnnualReport
        fields = ["year", "status", "society", "late"]


@extend_schema_view(list=extend_schema(summary=_("List annual reports")),
                    retrieve=extend_schema(summary=_("An annual report")))
class AnnualReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Societies' annual reports within the user's scope."""

    model = AnnualReport
    action_codes = {"list": "society.view", "retrieve": "society.view", "create": "annual_report.submit",
                    "submit": "annual_report.submit", "accept": "annual_report.review",
                    "send_back": "annual_report.review"}
    serializer_class = AnnualReportSerializer
    filterset_class = AnnualReportFilter

    def base_queryset(self):
        return AnnualReport.objects.select_related("society__organization", "round").order_by("-year", "society_id")

    @extend_schema(summary=_("Save a draft of a society's report for a year (any value may be left out)"),
                   request=AnnualReportDraftSerializer, responses={201: AnnualReportSerializer})
    def create(self, request):
        data = dict(validated(AnnualReportDraftSerializer(data=request.data)))
        society, year = data.pop("society"), data.pop("year")
        report = services.report_save_draft(by=request.user, society=society, year=year, values=data)
        return Response(AnnualReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Submit the report (with any values given saved first)"),
                   request=AnnualReportValuesSerializer, responses=AnnualReportSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        report = self.get_object()
        values = dict(validated(AnnualReportValuesSerializer(data=request.data)))
        report = services.report_submit(by=request.user, society=report.society, year=report.year, values=values)
        return Response(AnnualReportSerializer(report).data)

    @extend_schema(summary=_("Accept a submitted report"), request=None, responses=AnnualReportSerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def accept(self, request, pk=None):
        report = services.report_accept(by=request.user, report=self.get_object())
        return Response(AnnualReportSerializer(report).data)

    @extend_schema(summary=_("Return a submitted report with a reason"), request=AnnualReportReturnSerializer,
                   responses=AnnualReportSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def send_back(self, request, pk=None):
        report = self.get_object()
        data = validated(AnnualReportReturnSerializer(data=request.data))
        report = services.report_return(by=request.user, report=report, reason=data["reason"])
        return Response(AnnualReportSerializer(report).data)
