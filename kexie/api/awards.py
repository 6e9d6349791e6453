"""The award calls API: the calls a user sees, a call's channels with their quota used, its
nominations (a nominating organisation sees only its own), the panel's ranking and the winners,
and nominating through a channel.

Reads come from :mod:`kexie.awards.selectors`, the same functions the pages use, so the API and
the pages show the same calls, nominations and ranking. Nominating goes through
:func:`kexie.awards.services.nominate`; its refusals are 400s and nothing is saved then.
"""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kexie.awards import selectors, services
from kexie.awards.models import AwardCall, CallKind, CallStatus, Channel, Nomination, NominationStatus
from kexie.organizations.models import Organization
from kexie.people.api import PersonWriteSerializer
from kexie.people.models import Person

from .exceptions import validated
from .filters import IntegerFilter
from .viewsets import ScopedGenericViewSet

# The award codes, as the pages and the services check them.
VIEW = selectors.VIEW  # award.view
NOMINATE = services.NOMINATE  # award.nominate


class ChannelSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=_("nominating organisation"))
    used = serializers.IntegerField(read_only=True, label=_("quota used"))

    class Meta:
        model = Channel
        fields = ["id", "organization", "organization_name", "kind", "quota", "used"]
        read_only_fields = fields


class AwardCallSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organisation"))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label=_("award kind"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))

    class Meta:
        model = AwardCall
        fields = ["id", "organization", "organization_name", "kind", "kind_label", "title", "year", "opens_on",
                  "closes_on", "status", "status_label", "review_round"]
        read_only_fields = fields


class AwardCallDetailSerializer(AwardCallSerializer):
    """A call with its eligibility rules and channels, each with its quota and the places used."""

    rules = serializers.ListField(child=serializers.DictField(), read_only=True, label=_("eligibility rules"))
    channels = serializers.SerializerMethodField(label=_("nominating channels"))

    class Meta(AwardCallSerializer.Meta):
        fields = [*AwardCallSerializer.Meta.fields, "rules", "channels"]
        read_only_fields = fields

    @extend_schema_field(ChannelSerializer(many=True))
    def get_channels(self, call) -> list[dict]:
        rows = call.channels.select_related("organization").annotate(used=Count("nominations")).order_by("pk")
        return ChannelSerializer(rows, many=True).data


class NominationSerializer(serializers.ModelSerializer):
    nominee_name = serializers.CharField(source="nominee.name", read_only=True, label=_("nominee"))
    channel_organization = serializers.IntegerField(source="channel.organization_id", read_only=True,
                                                    label=_("nominating organisation"))
    channel_organization_name = serializers.CharField(source="channel.organization.name", read_only=True,
                                                      label=_("nominating organisation"))
    recommender_names = serializers.SerializerMethodField(label=_("recommenders"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    check_reasons = serializers.ListField(child=serializers.CharField(), read_only=True,
                                          label=_("formal check reasons"))
    materials = serializers.SerializerMethodField(label=_("materials"))

    class Meta:
        model = Nomination
        fields = ["id", "call", "channel", "channel_organization", "channel_organization_name", "nominee",
                  "nominee_name", "recommender_names", "summary", "status", "status_label", "check_reasons",
                  "checked_at", "materials", "created_at"]
        read_only_fields = fields

    def get_recommender_names(self, nomination) -> list[str]:
        return [p.name for p in nomination.recommenders.all()]

    def get_materials(self, nomination) -> list[str]:
        return [m.title for m in nomination.materials.all()]


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(label=_("rank"))
    score = serializers.DecimalField(max_digits=7, decimal_places=2, label=_("panel score"))
    reviewers = serializers.IntegerField(label=_("reviewers"))
    nomination = serializers.IntegerField(source="nomination.pk", allow_null=True, default=None,
                                          label=_("nomination"))
    nominee_name = serializers.CharField(source="nomination.nominee.name", default="", label=_("nominee"))
    channel_organization_name = serializers.CharField(source="nomination.channel.organization.name", default="",
                                                      label=_("nominating organisation"))


class WinnerSerializer(serializers.Serializer):
    nomination = serializers.IntegerField(source="pk", label=_("nomination"))
    nominee_name = serializers.CharField(source="nominee.name", label=_("nominee"))
    channel_organization_name = serializers.CharField(source="channel.organization.name",
                                                      label=_("nominating organisation"))


class CallRankingSerializer(serializers.Serializer):
    ranked = serializers.BooleanField(label=_("scoring closed"), help_text=_(
        "False while the panel is still scoring: the ranking is then empty."))
    ranking = RankingRowSerializer(many=True)
    winners = WinnerSerializer(many=True)


class MaterialSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, label=_("material title"))
    text = serializers.CharField(required=False, allow_blank=True, label=_("material text"))


class NominateSerializer(serializers.Serializer):
    """A nomination: the nominee as an existing person record (``nominee``) or as the data of a new
    one kept by the nominating organisation (``nominee_person``), not both."""

    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.all(),
                                                      label=_("nominating organisation"))
    nominee = serializers.PrimaryKeyRelatedField(queryset=Person.objects.current(), required=False,
                                                 allow_null=True, default=None, label=_("nominee"))
    nominee_person = PersonWriteSerializer(required=False, allow_null=True, default=None,
                                           label=_("new person record of the nominee"))
    recommenders = serializers.PrimaryKeyRelatedField(queryset=Person.objects.current(), many=True, required=False,
                                                      label=_("recommenders"))
    materials = MaterialSerializer(many=True, required=False, label=_("materials"))
    summary = serializers.CharField(required=False, allow_blank=True, label=_("summary"))

    def validate(self, data):
        if (data.get("nominee") is None) == (data.get("nominee_person") is None):
            raise serializers.ValidationError({"nominee": _("Give the nominee: a person record or a new person's data.")})
        return data


class AwardCallFilter(django_filters.FilterSet):
    year = IntegerFilter(field_name="year", label=_("year"))
    kind = django_filters.ChoiceFilter(choices=CallKind.choices, label=_("award kind"))
    status = django_filters.ChoiceFilter(choices=CallStatus.choices, label=_("status"))
    organization = IntegerFilter(field_name="organization_id", label=_("organisation"))

    class Meta:
        model = AwardCall
        fields = ["year", "kind", "status", "organization"]


class NominationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=NominationStatus.choices, label=_("status"))

    class Meta:
        model = Nomination
        fields = ["status"]


_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


@extend_schema_view(list=extend_schema(summary=_("List award calls")),
                    retrieve=extend_schema(summary=_("An award call with its channels and the quota used"),
                                           parameters=[_ID]))
class AwardCallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Award calls kept in the user's scope or with a nominating channel in it."""

    model = AwardCall
    action_codes = {"list": VIEW, "retrieve": VIEW, "nominations": VIEW, "ranking": VIEW, "nominate": NOMINATE}
    serializer_class = AwardCallSerializer
    filterset_class = AwardCallFilter

    def get_serializer_class(self):
        return AwardCallDetailSerializer if self.action == "retrieve" else AwardCallSerializer

    def get_queryset(self):
        # The calls a user sees are the selector's (kept in scope, or a channel in scope), the
        # same as on the pages; the code still decides, as everywhere in the API.
        code = self.required_code()
        if getattr(self, "swagger_fake_view", False) or code is None:
            return AwardCall.objects.none()
        return selectors.calls_for(self.request.user, code).order_by("-year", "-pk")

    @extend_schema(summary=_("The nominations of a call (a nominating organisation sees its own)"),
                   parameters=[_ID, OpenApiParameter("status", str, enum=NominationStatus.values,
                                                     description=_("status"))],
                   responses=NominationSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def nominations(self, request, pk=None):
        call = self.get_object()
        rows = selectors.nominations_for(request.user, call, VIEW).prefetch_related("recommenders", "materials")
        # The call's filters do not apply to its nominations: these have their own.
        narrowed = NominationFilter(request.query_params, queryset=rows.order_by("pk"))
        if not narrowed.is_valid():
            raise _filter_error(narrowed)
        page = self.paginate_queryset(narrowed.qs)
        return self.get_paginated_response(NominationSerializer(page, many=True).data)

    @extend_schema(summary=_("The panel's ranking of a call and its winners"), parameters=[_ID],
                   responses=CallRankingSerializer)
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def ranking(self, request, pk=None):
        call = self.get_object()
        ranked = selectors.is_ranked(call)
        winners = selectors.nominations_for(request.user, call, VIEW).filter(status=NominationStatus.WINNER)
        return Response(CallRankingSerializer({
            "ranked": ranked, "ranking": selectors.call_ranking(call),
            "winners": winners.order_by("pk")}).data)

    @extend_schema(summary=_("Nominate a person through your organisation's channel"), parameters=[_ID],
                   request=NominateSerializer, responses={201: NominationSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def nominate(self, request, pk=None):
        call = self.get_object()
        form = NominateSerializer(data=request.data)
        data = validated(form)
        nominee = data["nominee"]
        if nominee is None:
            nominee = dict(data["nominee_person"])
            nominee.pop("honours", None)  # a nomination carries the nominee's fields and positions only
            nominee["positions"] = [dict(p) for p in nominee.get("positions") or ()]
        try:
            nomination = services.nominate(
                by=request.user, call=call, organization=data["organization"], nominee=nominee,
                recommenders=data.get("recommenders") or [], materials=data.get("materials") or [],
                summary=data.get("summary", ""))
        except DjangoValidationError as error:
            raise _nested(error, set(form.fields)) from None
        nomination = Nomination.objects.select_related("nominee", "channel__organization").prefetch_related(
            "recommenders", "materials").get(pk=nomination.pk)
        return Response(NominationSerializer(nomination).data, status=status.HTTP_201_CREATED)


def _filter_error(narrowed) -> serializers.ValidationError:
    error = serializers.ValidationError(narrowed.errors)
    error.labels = {name: str(f.label) for name, f in narrowed.filters.items() if f.label}
    return error


def _nested(error: DjangoValidationError, fields: set[str]) -> DjangoValidationError:
    """The service's refusal with the errors about the new person's fields put under ``nominee_person``."""
    if not hasattr(error, "error_dict"):
        return error
    outer, person = {}, {}
    for field, messages in error.message_dict.items():
        (outer if field in fields or field == "__all__" else person)[field] = messages
    if person:
        outer["nominee_person"] = [f"{PERSON_LABELS.get(f, f)}：{' '.join(m)}" for f, m in person.items()]
    return DjangoValidationError(outer)


PERSON_LABELS = {name: field.label for name, field in PersonWriteSerializer().fields.items()}
