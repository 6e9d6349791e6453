"""Proposals (建言献策) and think-tank work (科技智库).

An association runs a ``Campaign`` (软课题征集, a themed call, or the standing call for advice);
persons, societies and survey stations send a ``Submission`` with its authors (``people.Person``,
who get the credit). Reviewers grade it (``Valuation``) and talk it over in private threaded
``Note`` rows that its authors never see. Selected submissions are edited into an issue of a
bulletin (``Bulletin``, 专报/专刊, with ``BulletinEntry`` rows), generated as a .docx in
official-document form and sent (``Sending``) to a party committee, a government, as a 人大建议 or
a 政协提案. A leader's instruction (批示) on it is a ``tracking.Instruction`` whose subject is the
submission or the sending; adoption is recorded on the submission. A commissioned study
(``Study``, 调研课题) has a team, milestones and a final report, and may come from a campaign.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class CampaignKind(models.TextChoices):
    SOFT_TOPIC = "soft_topic", _("Soft-science topic call")  # 软课题征集
    THEMED = "themed", _("Themed call for proposals")  # 专题征集
    STANDING = "standing", _("Standing call for advice")  # 常态化建言


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("proposal campaign", "Draft")
    OPEN = "open", pgettext_lazy("proposal campaign", "Open for submissions")
    CLOSED = "closed", pgettext_lazy("proposal campaign", "Closed")


class Campaign(models.Model):
    """A call for proposals kept by an organisation (its scope)."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("campaign kind"), max_length=12, choices=CampaignKind.choices,
                            default=CampaignKind.THEMED)
    title = models.CharField(_("campaign title"), max_length=200)
    theme = models.TextField(_("theme"), blank=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("proposal campaign")
        constraints = [models.CheckConstraint(
            condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
            name="proposals_campaign_dates_order")]

    def __str__(self):
        return self.title


class SourceKind(models.TextChoices):
    PERSON = "person", _("An S&T worker")
    SOCIETY = "society", pgettext_lazy("proposal source", "A society")
    STATION = "station", _("A survey station")  # 调查站点


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("proposal", "Submitted")
    VALUATION = "valuation", _("Under valuation")
    SELECTED = "selected", pgettext_lazy("proposal", "Selected")
    NOT_SELECTED = "not_selected", pgettext_lazy("proposal", "Not selected")
    ADOPTED = "adopted", pgettext_lazy("proposal", "Adopted")


class SubmissionQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str):
        """Submissions to a campaign kept in the user's scope, or sent by an organisation in it."""
        from kexie.accounts.scope import scope_q

        parts = [q for q in (scope_q(user, action, org_field="campaign__organization", owner_field="submitted_by"),
                             scope_q(user, action, org_field="organization", owner_field="submitted_by"))
                 if q is not None]
        if not parts:
            return self.none()
        q = parts[0]
        for part in parts[1:]:
            q |= part
        return self.filter(q)


class Submission(models.Model):
    """A proposal sent to a campaign; its authors are credited on their person records."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="submissions")
    title = models.CharField(_("proposal title"), max_length=200)
    text = models.TextField(_("proposal text"))
    source_kind = models.CharField(_("submitted by"), max_length=8, choices=SourceKind.choices,
                                   default=SourceKind.PERSON)
    authors = models.ManyToManyField("people.Person", blank=True, related_name="+", verbose_name=_("authors"))
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("submitting organisation"),
                                     null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    status = models.CharField(_("status"), max_length=12, choices=SubmissionStatus.choices,
                              default=SubmissionStatus.SUBMITTED, db_index=True)
    adoption_note = models.TextField(_("adoption"), blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubmissionQuerySet.as_manager()

    scope_org_field = "campaign__organization"
    scope_owner_field = "submitted_by"

    class Meta:
        ordering = ["campaign_id", "pk"]
        verbose_name = _("proposal")

    def __str__(self):
        return self.title


class Grade(models.TextChoices):
    A = "A", _("A: worth sending up")
    B = "B", _("B: useful with editing")
    C = "C", _("C: not to be used")


class Valuation(models.Model):
    """One reviewer's grade or score of a submission, with a summary."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="valuations")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("reviewer"))
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    summary = models.TextField(_("valuation summary"), blank=True)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submission_id", "pk"]
        verbose_name = _("valuation")
        constraints = [
            models.UniqueConstraint(fields=["submission", "reviewer"], name="proposals_valuation_once"),
            models.CheckConstraint(condition=~Q(grade="") | Q(score__isnull=False), name="proposals_valuation_given"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100),
                                   name="proposals_valuation_score_range"),
        ]


class Note(models.Model):
    """A reviewer's private note on a submission, threaded by ``parent``; never shown to its authors."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("private note")


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("bulletin", "Draft")
    ISSUED = "issued", pgettext_lazy("bulletin", "Issued")


class Bulletin(models.Model):
    """An issue of a bulletin (专报/专刊) of an organisation: 《科技智库建言》〔2026〕第3期."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("issuing organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    series = models.CharField(_("series"), max_length=60)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("issue number"))
    title = models.CharField(_("issue title"), max_length=200, blank=True)
    issued_on = models.DateField(_("issue date"), null=True, blank=True)
    editor = models.CharField(_("editor"), max_length=50, blank=True)
    sent_to = models.CharField(_("sent to (报送)"), max_length=300, blank=True)
    copied_to = models.CharField(_("copied to (抄送)"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=BulletinStatus.choices,
                              default=BulletinStatus.DRAFT, db_index=True)
    file = models.FileField(_("document"), upload_to="proposals/bulletins/%Y/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-year", "-number", "-pk"]
        verbose_name = _("bulletin")
        constraints = [models.UniqueConstraint(fields=["organization", "series", "year", "number"],
                                               name="proposals_bulletin_number_once")]

    def __str__(self):
        return f"《{self.series}》{self.issue_label}"

    @property
    def issue_label(self) -> str:
        """〔2026〕第3期"""
        return f"〔{self.year}〕第{self.number}期"


class BulletinEntry(models.Model):
    """A submission in an issue, at ``position``, with the title and text as edited for it."""

    bulletin = models.ForeignKey(Bulletin, on_delete=models.CASCADE, related_name="entries")
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="bulletin_entries")
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("edited title"), max_length=200)
    text = models.TextField(_("edited text"))

    class Meta:
        ordering = ["bulletin_id", "position"]
        verbose_name = _("bulletin entry")
        constraints = [models.UniqueConstraint(fields=["bulletin", "submission"], name="proposals_entry_once")]


class RecipientKind(models.TextChoices):
    PARTY = "party", _("Party committee")  # 党委
    GOVERNMENT = "government", _("Government")  # 政府
    NPC = "npc", _("People's congress proposal")  # 人大建议
    CPPCC = "cppcc", _("CPPCC proposal")  # 政协提案


class Sending(models.Model):
    """A bulletin or a single submission sent to a recipient (报送)."""

    bulletin = models.ForeignKey(Bulletin, null=True, blank=True, on_delete=models.CASCADE, related_name="sendings")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="sendings")
    recipient_kind = models.CharField(_("recipient kind"), max_length=12, choices=RecipientKind.choices)
    recipient = models.CharField(_("recipient"), max_length=200)
    sent_on = models.DateField(_("sent on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("sending")
        constraints = [models.CheckConstraint(
            condition=Q(bulletin__isnull=False, submission__isnull=True) | Q(bulletin__isnull=True,
                                                                              submission__isnull=False),
            name="proposals_sending_bulletin_or_submission")]

    def __str__(self):
        return f"{self.get_recipient_kind_display()}：{self.recipient}"


class StudyStatus(models.TextChoices):
    UNDERWAY = "underway", pgettext_lazy("study", "Underway")
    REPORTED = "reported", pgettext_lazy("study", "Reported")
    CLOSED = "closed", pgettext_lazy("study", "Closed")


class Study(models.Model):
    """A commissioned study (调研课题) with its team, milestones and final report."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("study title"), max_length=200)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="studies",
                                 verbose_name=_("campaign"))
    source = models.CharField(_("what produced it"), max_length=300, blank=True)
    team = models.ManyToManyField("people.Person", blank=True, related_name="+", verbose_name=_("team"))
    report = models.TextField(_("final report"), blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=StudyStatus.choices, default=StudyStatus.UNDERWAY,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("commissioned study")

    def __str__(self):
        return self.title


class Milestone(models.Model):
    """A step of a study with its due date and, once done, its report."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    report = models.TextField(_("milestone report"), blank=True)

    class Meta:
        ordering = ["study_id", "due_on", "pk"]
        verbose_name = _("milestone")
