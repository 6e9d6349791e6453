"""The proposals API, read-only: the campaigns, proposals, bulletin issues and commissioned studies
a user sees.

Reads come from :mod:`kexie.proposals.selectors`, the functions the pages use, so an API list and
the page list hold the same records for the same user. A proposal is given with its campaign,
status, authors (their credit) and adoption, and on its own with its text, sendings and the
leaders' instructions; the reviewers' private notes are never part of it. External accounts (an
S&T worker following their own proposals) have no API: their pages are all they see
(kexie.accounts.middleware). ``register`` adds the routes to the API router (kexie.api.urls).
"""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import mixins, serializers

from kexie.api.filters import IntegerFilter
from kexie.api.viewsets import ScopedGenericViewSet

from . import selectors
from .models import (Bulletin, BulletinStatus, Campaign, CampaignKind, CampaignStatus, Milestone, Study, StudyStatus,
                     Submission, SubmissionStatus)

VIEW = selectors.VIEW  # proposal.view


def _persons(people) -> list[dict]:
    return [{"person": p.pk, "name": p.name} for p in people]


class CampaignSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organisation"))
    kind_label = serializers.CharField(source="get_kind_display", read_only=True, label=_("campaign kind"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    submitted = serializers.IntegerField(read_only=True, label=_("Proposals received"))
    valuated = serializers.IntegerField(read_only=True, label=_("Proposals valuated"))
    selected = serializers.IntegerField(read_only=True, label=_("Proposals selected"))

    class Meta:
        model = Campaign
        fields = ["id", "organization", "organization_name", "kind", "kind_label", "title", "theme", "opens_on",
                  "closes_on", "status", "status_label", "submitted", "valuated", "selected"]
        read_only_fields = fields


class ProposalSerializer(serializers.ModelSerializer):
    campaign_title = serializers.CharField(source="campaign.title", read_only=True, label=_("campaign"))
    source_kind_label = serializers.CharField(source="get_source_kind_display", read_only=True,
                                              label=_("submitted by"))
    organization_name = serializers.CharField(source="organization.name", read_only=True, default="",
                                              label=_("submitting organisation"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    authors = serializers.SerializerMethodField(label=_("authors"))

    class Meta:
        model = Submission
        fields = ["id", "campaign", "campaign_title", "title", "source_kind", "source_kind_label", "organization",
                  "organization_name", "authors", "status", "status_label", "adopted_on", "adoption_note",
                  "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_authors(self, submission):
        return _persons(submission.authors.all())


class ProposalDetailSerializer(ProposalSerializer):
    """A proposal with its text, where it was sent, the bulletin issues it is in and the leaders'
    instructions on it (never the reviewers' notes)."""

    sendings = serializers.SerializerMethodField(label=_("Sendings"))
    bulletins = serializers.SerializerMethodField(label=_("Bulletins"))
    instructions = serializers.SerializerMethodField(label=_("Leaders' instructions"))

    class Meta(ProposalSerializer.Meta):
        fields = [*ProposalSerializer.Meta.fields, "text", "sendings", "bulletins", "instructions"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_sendings(self, submission):
        return [{"recipient_kind": s.recipient_kind, "recipient_kind_label": s.get_recipient_kind_display(),
                 "recipient": s.recipient, "sent_on": s.sent_on} for s in submission.sendings.all()]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_bulletins(self, submission):
        return [{"bulletin": e.bulletin_id, "label": str(e.bulletin)}
                for e in submission.bulletin_entries.select_related("bulletin")]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_instructions(self, submission):
        return [{"leader": i.leader, "text": i.text, "given_on": i.given_on}
                for i in selectors.instructions_on(submission)]


class BulletinSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True,
                                              label=_("issuing organisation"))
    issue_label = serializers.CharField(read_only=True, label=_("issue number"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    entries = serializers.SerializerMethodField(label=_("The proposals in the issue"))
    document = serializers.SerializerMethodField(label=_("Word document"))

    class Meta:
        model = Bulletin
        fields = ["id", "organization", "organization_name", "series", "year", "number", "issue_label", "title",
                  "issued_on", "editor", "sent_to", "copied_to", "status", "status_label", "entries", "document"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_entries(self, bulletin):
        return [{"position": e.position, "submission": e.submission_id, "title": e.title,
                 "authors": _persons(e.submission.authors.all())} for e in bulletin.entries.all()]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_document(self, bulletin) -> str | None:
        """The download page of the issue's Word document, once it has been issued (and its file
        kept); null before."""
        if not bulletin.file:
            return None
        url = reverse("proposals:bulletin_docx", args=[bulletin.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class StudyMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done_on", "report"]
        read_only_fields = fields


class StudySerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True, label=_("organisation"))
    campaign_title = serializers.CharField(source="campaign.title", read_only=True, default="", label=_("campaign"))
    status_label = serializers.CharField(source="get_status_display", read_only=True, label=_("status"))
    team = serializers.SerializerMethodField(label=_("team"))
    milestones = StudyMilestoneSerializer(many=True, read_only=True, label=_("Milestones"))

    class Meta:
        model = Study
        fields = ["id", "organization", "organization_name", "title", "campaign", "campaign_title", "source", "team",
                  "status", "status_label", "milestones", "report", "reported_on"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_team(self, study):
        return _persons(study.team.all())


# Years of four digits: another is a 400 naming the filter (year 1 of a date and time in the local
# time zone starts before the calendar does, and a query for it fails).
def _year_filter(field_name: str):
    return IntegerFilter(field_name=field_name, min_value=1000, max_value=9999, label=_("year"))


class CampaignFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices, label=_("campaign kind"))
    status = django_filters.ChoiceFilter(choices=CampaignStatus.choices, label=_("status"))
    organization = IntegerFilter(field_name="organization_id", label=_("organisation"))

    class Meta:
        model = Campaign
        fields = ["kind", "status", "organization"]


class ProposalFilter(django_filters.FilterSet):
    campaign = IntegerFilter(field_name="campaign_id", label=_("campaign"))
    status = django_filters.ChoiceFilter(choices=SubmissionStatus.choices, label=_("status"))
    year = _year_filter("created_at__year")

    class Meta:
        model = Submission
        fields = ["campaign", "status", "year"]


class BulletinFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BulletinStatus.choices, label=_("status"))
    year = _year_filter("year")

    class Meta:
        model = Bulletin
        fields = ["status", "year"]


class StudyFilter(django_filters.FilterSet):
    campaign = IntegerFilter(field_name="campaign_id", label=_("campaign"))
    status = django_filters.ChoiceFilter(choices=StudyStatus.choices, label=_("status"))

    class Meta:
        model = Study
        fields = ["campaign", "status"]


class _SelectorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedGenericViewSet):
    """Lists and details read through a selector of the pages (``rows(user, code)``)."""

    action_codes = {"list": VIEW, "retrieve": VIEW}

    def rows(self, user, code):
        raise NotImplementedError

    def get_queryset(self):
        code = self.required_code()
        if getattr(self, "swagger_fake_view", False) or code is None:
            return self.model.objects.none()
        return self.rows(self.request.user, code)


class CampaignViewSet(_SelectorViewSet):
    """Campaigns (calls for proposals) kept in the user's scope, the latest first, with their counts
    of proposals received, valuated and selected."""

    model = Campaign
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter

    def rows(self, user, code):
        return selectors.campaigns_for(user, code)


class ProposalViewSet(_SelectorViewSet):
    """Proposals sent to the campaigns in the user's scope (or by an organisation in it), with their
    status, authors and adoption; one proposal with its text, sendings, bulletin issues and the
    leaders' instructions. The reviewers' private notes are not given."""

    model = Submission
    serializer_class = ProposalSerializer
    filterset_class = ProposalFilter

    def get_serializer_class(self):
        return ProposalDetailSerializer if self.action == "retrieve" else ProposalSerializer

    def rows(self, user, code):
        return selectors.submissions_for(user, code).order_by("campaign_id", "pk")


class BulletinViewSet(_SelectorViewSet):
    """Bulletin issues (专报) of the organisations in the user's scope, the latest first, with the
    proposals in each and the link to its Word document once issued."""

    model = Bulletin
    serializer_class = BulletinSerializer
    filterset_class = BulletinFilter

    def rows(self, user, code):
        return selectors.bulletins_for(user, code).prefetch_related("entries__submission__authors")


class StudyViewSet(_SelectorViewSet):
    """Commissioned studies of the organisations in the user's scope, with their team and
    milestones."""

    model = Study
    serializer_class = StudySerializer
    filterset_class = StudyFilter

    def rows(self, user, code):
        return selectors.studies_for(user, code).prefetch_related("team", "milestones").order_by("-pk")


def register(router) -> None:
    """Add this app's viewsets to ``router``."""
    router.register("proposal-campaigns", CampaignViewSet, basename="proposalcampaign")
    router.register("proposals", ProposalViewSet, basename="proposal")
    router.register("bulletins", BulletinViewSet, basename="bulletin")
    router.register("studies", StudyViewSet, basename="study")
