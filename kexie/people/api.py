"""The people API: person records and expert entries, personal data masked, within the scope.

Every viewset goes through the choke point of :mod:`kexie.api.viewsets`; writes go through
:mod:`kexie.people.services`. A masked value sent back as read (with ``*``) leaves the stored
value as it is.
"""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from kexie.api.filters import IntegerFilter
from kexie.api.exceptions import validated
from kexie.api.viewsets import ScopedGenericViewSet
from kexie.organizations.models import Organization

from . import selectors, services
from .models import EntryStatus, ExpertEntry, Gender, Person, Position


class PositionSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(read_only=True, label=_("unit"))

    class Meta:
        model = Position
        fields = ["organization", "unit_name", "role", "unit"]
        extra_kwargs = {"organization": {"required": False, "allow_null": True},
                        "unit_name": {"required": False}, "role": {"required": False}}


class HonourSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, label=_("honour"))
    year = serializers.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True, label=_("year"))


class PersonSerializer(serializers.ModelSerializer):
    """A person with phone, e-mail and ID number masked."""

    gender = serializers.ChoiceField(choices=Gender.choices, allow_blank=True, read_only=True, label=_("gender"))
    phone = serializers.CharField(source="masked_phone", read_only=True, label=_("phone"))
    email = serializers.CharField(source="masked_email", read_only=True, label=_("e-mail"))
    id_number = serializers.CharField(source="masked_id_number", read_only=True, label=_("ID card number"))
    positions = PositionSerializer(many=True, read_only=True)
    honours = HonourSerializer(many=True, read_only=True)
    disciplines = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("disciplines"))
    industries = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("industries"))

    class Meta:
        model = Person
        fields = ["id", "organization", "name", "gender", "birth_date", "id_number", "phone", "email", "title",
                  "disciplines", "industries", "region_code", "city", "positions", "honours", "updated_at"]
        read_only_fields = fields


class PersonWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, label=pgettext_lazy("person", "name"))
    gender = serializers.ChoiceField(choices=Gender.choices, required=False, allow_blank=True, label=_("gender"))
    birth_date = serializers.DateField(required=False, allow_null=True, label=_("birth date"))
    id_number = serializers.CharField(required=False, allow_blank=True, max_length=18, label=_("ID card number"))
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, label=_("phone"))
    email = serializers.CharField(required=False, allow_blank=True, max_length=254, label=_("e-mail"))
    title = serializers.CharField(required=False, allow_blank=True, max_length=50, label=_("professional title"))
    disciplines = serializers.ListField(child=serializers.CharField(), required=False, label=_("disciplines"))
    industries = serializers.ListField(child=serializers.CharField(), required=False, label=_("industries"))
    region_code = serializers.CharField(required=False, allow_blank=True, max_length=6, label=_("province"))
    city = serializers.CharField(required=False, allow_blank=True, max_length=50, label=_("city"))
    positions = PositionSerializer(many=True, required=False)
    honours = HonourSerializer(many=True, required=False)

    def split(self) -> tuple[dict, list | None, list | None]:
        data = dict(self.validated_data)
        positions = data.pop("positions", None)
        honours = data.pop("honours", None)
        for field in ("id_number", "phone", "email"):
            if "*" in (data.get(field) or ""):
                data.pop(field)  # a masked value sent back as read: keep the stored one
        return data, positions, honours


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("name, pinyin, initials or unit"))
    discipline = django_filters.CharFilter(method="filter_discipline", label=_("discipline"))

    class Meta:
        model = Person
        fields = ["q", "discipline"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(pk__in=selectors.persons_for(self.request.user, q=value).values("pk"))

    def filter_discipline(self, queryset, name, value):
        return queryset.filter(disciplines__icontains=f'"{value.strip()}')


@extend_schema_view(list=extend_schema(summary=_("List person records (personal data masked)")),
                    retrieve=extend_schema(summary=_("A person record (personal data masked)"),
                                           parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)]))
class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Person records within the user's scope."""

    model = Person
    action_codes = {"list": "person.view", "retrieve": "person.view", "create": "person.manage",
                    "partial_update": "person.manage"}
    serializer_class = PersonSerializer
    filterset_class = PersonFilter

    def base_queryset(self):
        return Person.objects.current().prefetch_related("positions__organization", "honours").order_by(
            "name_pinyin", "pk")

    def _read(self, person, code=status.HTTP_200_OK):
        person = Person.objects.prefetch_related("positions__organization", "honours").get(pk=person.pk)
        return Response(PersonSerializer(person).data, status=code)

    @extend_schema(summary=_("Create a person record kept by your organisation"), request=PersonWriteSerializer,
                   responses={201: PersonSerializer})
    def create(self, request):
        form = PersonWriteSerializer(data=request.data)
        validated(form)
        data, positions, honours = form.split()
        person = services.person_create(by=request.user, organization=request.user.organization, data=data,
                                        positions=positions or [], honours=honours or [])
        return self._read(person, status.HTTP_201_CREATED)

    @extend_schema(summary=_("Edit a person record"), request=PersonWriteSerializer, responses=PersonSerializer)
    def partial_update(self, request, pk=None):
        person = self.get_object()
        form = PersonWriteSerializer(data=request.data, partial=True)
        validated(form)
        data, positions, honours = form.split()
        person = services.person_update(by=request.user, person=person, data=data, positions=positions,
                                        honours=honours)
        return self._read(person)


class ExpertEntrySerializer(serializers.ModelSerializer):
    library_name = serializers.CharField(source="library.name", read_only=True, label=_("library name"))
    person_name = serializers.CharField(source="person.name", read_only=True, label=pgettext_lazy("person", "name"))
    categories = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("categories"))
    keywords = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("keywords"))
    avoidances = serializers.ListField(child=serializers.CharField(), read_only=True, label=_("units to avoid"))

    class Meta:
        model = ExpertEntry
        fields = ["id", "library", "library_name", "person", "person_name", "categories", "keywords", "avoidances",
                  "status", "status_reason", "status_date"]
        read_only_fields = fields


class ExpertEntryCreateSerializer(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(),
                                                      label=_("organisation of the library"))
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), label=_("person"))
    categories = serializers.ListField(child=serializers.CharField(), required=False, label=_("categories"))
    keywords = serializers.ListField(child=serializers.CharField(), required=False, label=_("keywords"))
    avoidances = serializers.ListField(child=serializers.CharField(), required=False, label=_("units to avoid"))


class ExpertEntryUpdateSerializer(serializers.Serializer):
    categories = serializers.ListField(child=serializers.CharField(), required=False, label=_("categories"))
    keywords = serializers.ListField(child=serializers.CharField(), required=False, label=_("keywords"))
    avoidances = serializers.ListField(child=serializers.CharField(), required=False, label=_("units to avoid"))
    status = serializers.ChoiceField(choices=EntryStatus.choices, required=False, label=_("status"))
    status_reason = serializers.CharField(required=False, allow_blank=True, max_length=200, label=_("reason"))


class ExpertEntryFilter(django_filters.FilterSet):
    library = IntegerFilter(field_name="library_id", label=_("expert library"))
    status = django_filters.ChoiceFilter(choices=EntryStatus.choices, label=_("status"))
    keyword = django_filters.CharFilter(method="filter_keyword", label=_("keywords"))

    class Meta:
        model = ExpertEntry
        fields = ["library", "status", "keyword"]

    def filter_keyword(self, queryset, name, value):
        return queryset.filter(search_text__contains=value.strip().lower())


@extend_schema_view(list=extend_schema(summary=_("List expert entries")),
                    retrieve=extend_schema(summary=_("An expert entry"),
                                           parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)]))
class ExpertEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Entries of the expert libraries within the user's scope."""

    model = ExpertEntry
    action_codes = {"list": "expert.view", "retrieve": "expert.view", "create": "expert.manage",
                    "partial_update": "expert.manage"}
    serializer_class = ExpertEntrySerializer
    filterset_class = ExpertEntryFilter

    def base_queryset(self):
        return ExpertEntry.objects.select_related("library", "person").filter(
            person__merged_into__isnull=True).order_by("library_id", "person__name_pinyin", "pk")

    @extend_schema(summary=_("Add a person to an organisation's expert library"),
                   request=ExpertEntryCreateSerializer, responses={201: ExpertEntrySerializer})
    def create(self, request):
        form = ExpertEntryCreateSerializer(data=request.data)
        data = dict(validated(form))
        entry = services.entry_add(by=request.user, organization=data.pop("organization"),
                                   person=data.pop("person"), data=data)
        return Response(ExpertEntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(summary=_("Edit an expert entry or change its status"), request=ExpertEntryUpdateSerializer,
                   responses=ExpertEntrySerializer)
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        data = dict(validated(ExpertEntryUpdateSerializer(data=request.data, partial=True)))
        new_status, reason = data.pop("status", None), data.pop("status_reason", "")
        if data:
            entry = services.entry_update(by=request.user, entry=entry, data=data)
        if new_status:
            entry = services.entry_set_status(by=request.user, entry=entry, status=new_status, reason=reason)
        return Response(ExpertEntrySerializer(entry).data)
