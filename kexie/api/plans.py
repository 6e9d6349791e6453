"""The plans API: plans and their kexie.plan/1 export, reviewed imports of a kexie.plan/1
document, and the ledger (台账).

Every viewset goes through the choke point of :mod:`kexie.api.viewsets`: each action maps to a
permission code and every queryset is limited to that code's data scope (404 outside it). The
services of :mod:`kexie.plans.services` do the writing, one transaction and audit row each.
"""

from functools import partial

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.api.filters import IntegerFilter
from kexie.organizations.models import Organization, OrganizationClosure
from kexie.plans import services
from kexie.plans.models import (
    TRACKED_KINDS,
    AssignmentRole,
    ItemStatus,
    Plan,
    PlanImport,
    PlanItem,
    PlanStatus,
)
from kexie.plans.paging import LedgerPaginator
from kexie.plans.selectors import LEDGER_SORTS, _number, ledger_items, target_label
from kexie.tracking.models import Colour
from kexie.tracking.selectors import UNTRACKED, task_lights

from .exceptions import validated
from .pagination import KexiePagination
from .serializers import DatabaseIntegerField, ScopedOrganizationField, ScopedPrimaryKeyField
from .viewsets import ScopedGenericViewSet

# --- plans ----------------------------------------------------------------------------------------


class PlanFilter(django_filters.FilterSet):
    organization = IntegerFilter(field_name="organization_id", label=_("organisation"))
    under = IntegerFilter(method="filter_under",
                                        label=_("in the subtree of (organisation id, itself included)"))
    status = django_filters.MultipleChoiceFilter(choices=PlanStatus.choices, label=_("status"))
    issued_after = django_filters.DateFilter(field_name="issued_on", lookup_expr="gte", label=_("issued from"))
    issued_before = django_filters.DateFilter(field_name="issued_on", lookup_expr="lte", label=_("issued until"))
    q = django_filters.CharFilter(method="filter_q", label=_("title, issuer or document number"))

    class Meta:
        model = Plan
        fields = ["organization", "under", "status", "issued_after", "issued_before", "q"]

    def filter_under(self, queryset, name, value):
        below = OrganizationClosure.objects.filter(ancestor_id=value).values("descendant_id")
        return queryset.filter(organization_id__in=below)

    def filter_q(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(title__icontains=value) | Q(issuer__icontains=value)
                               | Q(doc_number__icontains=value))


class PlanSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    item_count = serializers.IntegerField(read_only=True, help_text=_("Items of every kind."))

    class Meta:
        model = Plan
        fields = ["id", "title", "organization", "organization_name", "issuer", "doc_number", "issued_on",
                  "period_start", "period_end", "version", "previous", "status", "status_display", "source_name",
                  "item_count", "created_at", "updated_at"]
        read_only_fields = fields


class PlanDocumentSerializer(serializers.Serializer):
    """A plan in the kexie.plan/1 interchange format (see the plan format specification)."""

    format = serializers.CharField(help_text=_("Always “kexie.plan/1”."))
    title = serializers.CharField()
    issuer = serializers.CharField(allow_null=True)
    doc_number = serializers.CharField(allow_null=True)
    issued_on = serializers.DateField(allow_null=True)
    period = serializers.DictField(allow_null=True, help_text=_("{\"start\": date, \"end\": date} or null."))
    items = serializers.ListField(child=serializers.DictField(), help_text=_(
        "Items in document order: key, marker, kind, title, text, lead_units, co_units, due, targets, span."))
    unit_mapping = serializers.DictField(required=False, help_text=_(
        "Unit as written → {\"organization\": id} or {\"unassigned\": true}."))


@extend_schema_view(
    list=extend_schema(summary=_("List plans")),
    retrieve=extend_schema(summary=_("A plan")),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Plans within the user's data scope."""

    model = Plan
    action_codes = {"list": "plan.view", "retrieve": "plan.view", "export": "plan.export"}
    serializer_class = PlanSerializer
    filterset_class = PlanFilter
    ordering_fields = ["issued_on", "title", "created_at", "version"]
    ordering = ["-issued_on", "-id"]

    def base_queryset(self):
        return Plan.objects.select_related("organization").annotate(item_count=Count("items"))

    @extend_schema(summary=_("The plan as a kexie.plan/1 document (audited)"), filters=False,
                   responses=PlanDocumentSerializer)
    @action(detail=True, methods=["get"], filter_backends=[])
    def export(self, request, pk=None):
        plan = self.get_object()
        return Response(services.plan_export_json(by=request.user, plan=plan))


# --- imports --------------------------------------------------------------------------------------

class ScopedPlanField(ScopedPrimaryKeyField):
    model = Plan


class PlanImportCreateSerializer(serializers.Serializer):
    organization = ScopedOrganizationField(code="plan.import", label=_("organisation"),
                                           help_text=_("The organisation whose plan this is."))
    plan = serializers.JSONField(label=_("plan document"), help_text=_(
        "A kexie.plan/1 document, e.g. one exported from /api/v1/plans/{id}/export/. Its unit_mapping is "
        "kept for the organisations within your scope; other units must be mapped before confirming."))
    source_text = serializers.CharField(label=_("source text"), required=False, allow_blank=True, default="")
    source_name = serializers.CharField(label=_("source file"), required=False, allow_blank=True, default="",
                                        max_length=255)
    base_plan = ScopedPlanField(code="plan.import", label=_("revises plan"), required=False, allow_null=True,
                                default=None)


class PlanImportSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    item_count = serializers.SerializerMethodField()
    unmapped_units = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = PlanImport
        fields = ["id", "organization", "title", "status", "status_display", "source_name", "base_plan", "plan",
                  "item_count", "unit_mapping", "unmapped_units", "created_at", "updated_at"]
        read_only_fields = fields

    def get_title(self, plan_import) -> str:
        return plan_import.parsed.get("title") or ""

    def get_item_count(self, plan_import) -> int:
        return len(plan_import.parsed.get("items") or [])

    def get_unmapped_units(self, plan_import) -> list[str]:
        return services.unmapped_units(plan_import)


class MapUnitSerializer(serializers.Serializer):
    unit = serializers.CharField(label=_("unit as written"))
    organization = ScopedOrganizationField(code="org.view", label=_("organisation"), required=False,
                                           allow_null=True, default=None)
    unassigned = serializers.BooleanField(label=_("leave unassigned"), required=False, default=False)

    def validate(self, attrs):
        if attrs["unassigned"] == (attrs["organization"] is not None):
            raise serializers.ValidationError(
                {"organization": _("Give an organisation, or set unassigned to true — one of the two.")})
        return attrs


def _mapping_from_document(document: dict, user) -> dict:
    """The document's unit_mapping, keeping only units it names and organisations in the user's
    scope (the same set the confirmation accepts); the rest is left for the user to map."""
    from kexie.plans import tree

    mapping = document.get("unit_mapping")
    if not isinstance(mapping, dict):
        return {}
    names = set(tree.unit_names(document))
    wanted = {unit: value for unit, value in mapping.items() if unit in names and isinstance(value, dict)}
    ids = {value.get("organization") for value in wanted.values() if isinstance(value.get("organization"), int)}
    visible = set(Organization.objects.restrict(user, "org.view").filter(pk__in=ids).values_list("pk", flat=True))
    kept = {}
    for unit, value in wanted.items():
        if value.get("unassigned") is True:
            kept[unit] = {"unassigned": True}
        elif value.get("organization") in visible:
            kept[unit] = {"organization": value["organization"]}
    return kept


@extend_schema_view(
    list=extend_schema(summary=_("List plan imports under review or done")),
    retrieve=extend_schema(summary=_("A plan import: its status and the units still to map")),
)
class PlanImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Reviewed imports of kexie.plan/1 documents: nothing is a plan until confirmed."""

    model = PlanImport
    action_codes = {"list": "plan.import", "retrieve": "plan.import", "create": "plan.import",
                    "map_unit": "plan.import", "confirm": "plan.import"}
    serializer_class = PlanImportSerializer
    filterset_fields = ["status", "organization"]
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def _read(self, plan_import, code=status.HTTP_200_OK):
        return Response(PlanImportSerializer(plan_import, context=self.get_serializer_context()).data, status=code)

    @extend_schema(summary=_("Open a review of a kexie.plan/1 document"), request=PlanImportCreateSerializer,
                   responses={201: PlanImportSerializer})
    def create(self, request):
        form = PlanImportCreateSerializer(data=request.data, context=self.get_serializer_context())
        data = validated(form)
        try:
            document = services.validate_plan_json(data["plan"])
        except DjangoValidationError as error:
            # The document's own fields (format, items) are parts of the one "plan" field here.
            refused = exceptions.ValidationError({"plan": error.messages})
            refused.labels = {"plan": str(form.fields["plan"].label)}
            raise refused from None
        plan_import = services.plan_import_start(
            by=request.user, organization=data["organization"], source_text=data["source_text"], parsed=document,
            source_name=data["source_name"] or document.get("source") or "", base_plan=data["base_plan"],
            unit_mapping=_mapping_from_document(data["plan"], request.user))
        return self._read(plan_import, status.HTTP_201_CREATED)

    @extend_schema(summary=_("Map a unit to an organisation, or leave it unassigned"), request=MapUnitSerializer,
                   responses=PlanImportSerializer)
    @action(detail=True, methods=["post"], url_path="map-unit")
    def map_unit(self, request, pk=None):
        plan_import = self.get_object()
        form = MapUnitSerializer(data=request.data, context=self.get_serializer_context())
        data = validated(form)
        plan_import = services.plan_import_map_unit(by=request.user, plan_import=plan_import, unit=data["unit"],
                                                    organization=data["organization"])
        return self._read(plan_import)

    @extend_schema(summary=_("Confirm the import: the plan is created with its items"), request=None,
                   responses={201: PlanSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        plan_import = self.get_object()
        plan = services.plan_import_confirm(
            by=request.user, plan_import=plan_import,
            allowed_organizations=Organization.objects.restrict(request.user, "org.view"))
        plan = Plan.objects.select_related("organization").annotate(item_count=Count("items")).get(pk=plan.pk)
        return Response(PlanSerializer(plan, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


# --- the ledger -----------------------------------------------------------------------------------

LEDGER_KINDS = [(k.value, k.label) for k in TRACKED_KINDS]

class LedgerQuerySerializer(serializers.Serializer):
    plan = DatabaseIntegerField(required=False, label=_("plan id"))
    unit = DatabaseIntegerField(required=False, label=_("unit (organisation id; its subtree included)"))
    kind = serializers.ChoiceField(required=False, choices=LEDGER_KINDS,
                                   label=_("kind"))
    status = serializers.ChoiceField(required=False, choices=ItemStatus.choices, label=_("status"))
    due_after = serializers.DateField(required=False, label=_("deadline from"))
    due_before = serializers.DateField(required=False, label=_("deadline to"))
    q = serializers.CharField(required=False, label=_("text in title or body"))
    colour = serializers.ChoiceField(required=False, choices=Colour.choices, label=_("status light"))
    sort = serializers.ChoiceField(required=False, label=_("sort"), choices=[
        *[(name, name) for name in LEDGER_SORTS], *[(f"-{name}", f"-{name}") for name in LEDGER_SORTS]])

    def validate(self, attrs):
        if attrs.get("due_after") and attrs.get("due_before") and attrs["due_after"] > attrs["due_before"]:
            raise serializers.ValidationError({"due_before": _("The end of the deadline range is before its start.")})
        return attrs


class LedgerUnitSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("As written in the plan."))
    organization = serializers.IntegerField(allow_null=True, help_text=_("Null: explicitly not assigned."))
    organization_name = serializers.CharField(allow_null=True)


class LedgerTargetSerializer(serializers.Serializer):
    text = serializers.CharField()
    metric = serializers.CharField()
    verb = serializers.CharField()
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    due = serializers.DateField(allow_null=True)
    label = serializers.CharField(help_text=_("Value and unit as the ledger shows them, e.g. “≥20家”."))


class LedgerLightSerializer(serializers.Serializer):
    colour = serializers.ChoiceField(choices=Colour.choices)
    colour_display = serializers.CharField()
    percent = serializers.IntegerField(help_text=_("Percent complete."))
    expected = serializers.IntegerField(allow_null=True, help_text=_("Expected progress by elapsed time (序时进度)."))
    overdue = serializers.BooleanField()
    completed = serializers.BooleanField()
    as_of = serializers.DateField(allow_null=True)


class LedgerItemSerializer(serializers.ModelSerializer):
    plan_title = serializers.CharField(source="plan.title", read_only=True)
    parent_key = serializers.CharField(source="parent.key", read_only=True, allow_null=True, default=None)
    parent_title = serializers.CharField(source="parent.title", read_only=True, allow_null=True, default=None)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    lead_units = serializers.SerializerMethodField()
    co_units = serializers.SerializerMethodField()
    targets = serializers.SerializerMethodField()
    light = serializers.SerializerMethodField(help_text=_(
        "The status light as the task page shows it (from the task's status snapshot); null before the task is "
        "tracked."))

    class Meta:
        model = PlanItem
        fields = ["id", "plan", "plan_title", "key", "marker", "kind", "kind_display", "title", "text", "parent_key",
                  "parent_title", "due", "status", "status_display", "lead_units", "co_units", "targets", "light",
                  "updated_at"]
        read_only_fields = fields

    def _units(self, item, role) -> list[dict]:
        return [{"name": a.unit_name, "organization": a.organization_id,
                 "organization_name": a.organization.name if a.organization_id else None}
                for a in item.assignments.all() if a.role == role]

    @extend_schema_field(LedgerUnitSerializer(many=True))
    def get_lead_units(self, item):
        return self._units(item, AssignmentRole.LEAD)

    @extend_schema_field(LedgerUnitSerializer(many=True))
    def get_co_units(self, item):
        return self._units(item, AssignmentRole.CO)

    @extend_schema_field(LedgerTargetSerializer(many=True))
    def get_targets(self, item):
        return [{"text": t.text, "metric": t.metric, "verb": t.verb, "min": _number(t.min_value),
                 "max": _number(t.max_value), "unit": t.unit, "due": t.due, "label": target_label(t)}
                for t in item.targets.all()]

    @extend_schema_field(LedgerLightSerializer(allow_null=True))
    def get_light(self, item):
        # Read for the whole page at once by the view (``lights`` in the context), not here a row at a time.
        light = self.context.get("lights", {}).get(item.pk, UNTRACKED)
        if not light:
            return None
        return {"colour": light.colour, "colour_display": light.get_colour_display(), "percent": light.percent,
                "expected": light.expected, "overdue": light.overdue, "completed": light.completed,
                "as_of": light.as_of}


class LedgerPagination(KexiePagination):
    """The ledger's ``count`` (exact) comes from ``ledger_count``: kept until the data changes, as
    on the ledger page, instead of a COUNT over the filtered subtree at every request."""

    def paginate_queryset(self, queryset, request, view=None):
        self.django_paginator_class = partial(LedgerPaginator, user=request.user, filters=view.ledger_filters)
        return super().paginate_queryset(queryset, request, view)


@extend_schema_view(list=extend_schema(summary=_("The ledger: tracked items of the plans in your scope"),
                                       parameters=[LedgerQuerySerializer]))
class LedgerViewSet(mixins.ListModelMixin, ScopedGenericViewSet):
    """Tasks, goals and safeguards of the plans in the data scope, filtered like the ledger page."""

    model = PlanItem
    action_codes = {"list": "plan.view"}
    serializer_class = LedgerItemSerializer
    filter_backends = []  # the query parameters are read by LedgerQuerySerializer
    pagination_class = LedgerPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return PlanItem.objects.none()
        data = validated(LedgerQuerySerializer(data=self.request.query_params))
        self.ledger_filters = {
            "code": self.required_code(), "plan": data.get("plan"), "organization": data.get("unit"),
            "kind": data.get("kind"), "status": data.get("status"), "due_after": data.get("due_after"),
            "due_before": data.get("due_before"), "text": data.get("q"), "colour": data.get("colour"),
            "sort": data.get("sort")}
        # ledger_items limits the rows to the data scope of the action's code, as the base class does.
        return ledger_items(self.request.user, **self.ledger_filters)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # The lights of the page's rows in one query (the serializer reads them from its context).
        self.lights = task_lights(item.pk for item in page) if page is not None else {}
        return page

    def get_serializer_context(self):
        return super().get_serializer_context() | {"lights": getattr(self, "lights", {})}
