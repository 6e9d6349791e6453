"""Societies (学会): the registry on top of each society's ``Organization``, and its annual reports.

A society is an ``Organization`` of a society kind (national / provincial / city society); its
status (active / dormant / dissolved, with history) is the organisation's. ``SocietyProfile``
adds what the registry keeps about it; governing bodies, journals, member lists and annual
inspection results hang off the profile. ``AnnualReport`` (年报) is what the society reports each
year to the association that supervises it (``ReportYear`` opens and closes the year's round).

Data sources for evaluation rubrics are named by :data:`REPORT_FIELDS` and
:data:`REGISTRY_FIELDS` ("report.<field>", "registry.<field>"): a rubric indicator reads its
value from one of them, or is judged by a reviewer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class Discipline(models.TextChoices):
    SCIENCE = "science", pgettext_lazy("discipline", "Science")  # 理科
    ENGINEERING = "engineering", pgettext_lazy("discipline", "Engineering")  # 工科
    AGRICULTURE = "agriculture", pgettext_lazy("discipline", "Agriculture")  # 农科
    MEDICINE = "medicine", pgettext_lazy("discipline", "Medicine")  # 医科
    INTERDISCIPLINARY = "interdisciplinary", pgettext_lazy("discipline", "Interdisciplinary")  # 交叉


class LegalStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered social organisation (legal person)")  # 社会团体法人
    UNREGISTERED = "unregistered", _("Not registered")


class PartyOrganization(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")  # 党委
    GENERAL_BRANCH = "general_branch", _("General party branch")  # 党总支
    BRANCH = "branch", _("Party branch")  # 党支部
    FUNCTIONAL = "functional", _("Functional party organisation")  # 功能型党组织
    NONE = "none", _("None")


class SocietyProfile(models.Model):
    """What the registry keeps about one society (学会档案)."""

    organization = models.OneToOneField("organizations.Organization", on_delete=models.CASCADE, primary_key=True,
                                        related_name="society_profile", verbose_name=_("society"))
    discipline = models.CharField(_("discipline group"), max_length=20, choices=Discipline.choices)
    supervising_body = models.ForeignKey("organizations.Organization", verbose_name=_("supervising body"),
                                         null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    supervising_body_name = models.CharField(_("supervising body (as registered)"), max_length=200, blank=True)
    legal_status = models.CharField(_("legal status"), max_length=20, choices=LegalStatus.choices,
                                    default=LegalStatus.REGISTERED)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    registration_number = models.CharField(_("registration certificate number"), max_length=60, blank=True)
    secretary_general = models.CharField(_("secretary-general"), max_length=50, blank=True)
    secretary_general_full_time = models.BooleanField(_("full-time secretary-general"), default=False)
    secretary_general_appointed = models.BooleanField(_("appointed (聘任) secretary-general"), default=False)
    secretariat_staff = models.PositiveIntegerField(_("secretariat staff"), default=0)
    individual_members = models.PositiveIntegerField(_("individual members"), default=0)
    group_members = models.PositiveIntegerField(_("group members"), default=0)
    party_organization = models.CharField(_("party organisation"), max_length=20, choices=PartyOrganization.choices,
                                          default=PartyOrganization.NONE)
    reachable = models.BooleanField(_("reachable"), default=True,
                                    help_text=_("Cleared when the society cannot be contacted at its registered "
                                                "address or by its contacts."))
    unreachable_since = models.DateField(_("unreachable since"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = None

    class Meta:
        verbose_name = _("society profile")
        indexes = [models.Index(fields=["discipline"], name="society_discipline_idx")]

    def __str__(self):
        return str(self.organization)


class BodyKind(models.TextChoices):
    COUNCIL = "council", _("Council")  # 理事会
    STANDING_COUNCIL = "standing_council", _("Standing council")  # 常务理事会
    SUPERVISORY_BOARD = "supervisory_board", _("Supervisory board")  # 监事会


class GoverningBody(models.Model):
    """One term (届) of a society's council, standing council or supervisory board.

    ``term_ends_on`` is when the next election (换届) is due; a council whose latest term has
    passed it without a newer term is flagged.
    """

    society = models.ForeignKey(SocietyProfile, on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField(_("body"), max_length=20, choices=BodyKind.choices)
    term_number = models.PositiveSmallIntegerField(_("term"))  # 第N届
    elected_on = models.DateField(_("elected on"))
    term_ends_on = models.DateField(_("term ends on"))
    size = models.PositiveIntegerField(_("number of members"), default=0)

    class Meta:
        ordering = ["society_id", "kind", "-term_number"]
        verbose_name = _("governing body term")
        constraints = [
            models.UniqueConstraint(fields=["society", "kind", "term_number"], name="body_term_unique"),
            models.CheckConstraint(condition=Q(elected_on__lt=models.F("term_ends_on")), name="body_term_dates"),
        ]

    def __str__(self):
        return f"{self.society} {self.get_kind_display()} #{self.term_number}"


class BodyMember(models.Model):
    """A member of one term of a governing body: 理事长, 副理事长, 秘书长, 理事, 监事长, 监事 …"""

    body = models.ForeignKey(GoverningBody, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("member name"), max_length=50)
    post = models.CharField(_("post"), max_length=30)
    affiliation = models.CharField(_("employer"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["body_id", "position", "id"]
        verbose_name = _("governing body member")

    def __str__(self):
        return f"{self.name} ({self.post})"


class MemberKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual member")  # 个人会员
    GROUP = "group", _("Group member")  # 单位会员


class MemberRecord(models.Model):
    """A member on the society's list, where it keeps one (the counts are on the profile)."""

    society = models.ForeignKey(SocietyProfile, on_delete=models.CASCADE, related_name="member_records")
    kind = models.CharField(_("kind"), max_length=12, choices=MemberKind.choices)
    name = models.CharField(_("member name"), max_length=200)
    member_number = models.CharField(_("member number"), max_length=40, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)

    class Meta:
        ordering = ["society_id", "kind", "name"]
        verbose_name = _("member")
        constraints = [
            models.UniqueConstraint(fields=["society", "member_number"], condition=~Q(member_number=""),
                                    name="member_number_unique"),
        ]

    def __str__(self):
        return self.name


class Journal(models.Model):
    """A journal (科技期刊) the society sponsors."""

    society = models.ForeignKey(SocietyProfile, on_delete=models.CASCADE, related_name="journals")
    title = models.CharField(_("journal title"), max_length=200)
    issn = models.CharField("ISSN", max_length=9, blank=True)
    cn = models.CharField("CN", max_length=20, blank=True)
    indexed_in = models.CharField(_("indexed in"), max_length=100, blank=True)  # e.g. "SCI, EI, CSCD"

    class Meta:
        ordering = ["society_id", "title"]
        verbose_name = _("journal")

    def __str__(self):
        return self.title


class InspectionResult(models.TextChoices):
    QUALIFIED = "qualified", _("Qualified")  # 合格
    BASICALLY_QUALIFIED = "basically_qualified", _("Basically qualified")  # 基本合格
    UNQUALIFIED = "unqualified", _("Unqualified")  # 不合格
    NOT_INSPECTED = "not_inspected", _("Not inspected")  # 未参检


class AnnualInspection(models.Model):
    """The result of one year's annual inspection (年检) by the registration authority."""

    society = models.ForeignKey(SocietyProfile, on_delete=models.CASCADE, related_name="inspections")
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=24, choices=InspectionResult.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["society_id", "-year"]
        verbose_name = _("annual inspection")
        constraints = [models.UniqueConstraint(fields=["society", "year"], name="inspection_per_year")]

    def __str__(self):
        return f"{self.society} {self.year} {self.get_result_display()}"


class ReportYear(models.Model):
    """One year's round of annual reports collected by an association from its societies.

    Reports are due on ``due_on``. After that day a society may still submit, but its report is
    marked late (逾期) and counts as filed only once the association accepts it. A closed round
    (the association's explicit step, 关闭) takes no new report and no change at all.
    """

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("collecting association"),
                                     on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    due_on = models.DateField(_("reports due on"))
    closed = models.BooleanField(_("closed"), default=False)
    closed_at = models.DateTimeField(_("round closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = None

    class Meta:
        ordering = ["organization_id", "-year"]
        verbose_name = _("annual report round")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="report_year_unique")]

    def __str__(self):
        return f"{self.organization} {self.year}"


class AnnualReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    ACCEPTED = "accepted", _("Accepted")


class AnnualReport(models.Model):
    """A society's annual report (学会年报) for one year: activities, members, finances, governance.

    ``late`` is set when the report is first submitted after its round's due date (逾期报送); a
    report returned and submitted again keeps the mark of its first filing. A late report is
    filed only when the collecting association accepts it.
    """

    society = models.ForeignKey(SocietyProfile, on_delete=models.CASCADE, related_name="annual_reports")
    round = models.ForeignKey(ReportYear, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=AnnualReportStatus.choices,
                              default=AnnualReportStatus.DRAFT, db_index=True)
    # Report values may be left empty (NULL) in a draft; submitting needs every one of them.
    # Activities (业务工作)
    academic_events = models.PositiveIntegerField(_("academic events held"), default=0, null=True, blank=True)
    academic_participants = models.PositiveIntegerField(_("academic event participants"), default=0,
                                                        null=True, blank=True)
    popsci_events = models.PositiveIntegerField(_("popular-science activities"), default=0, null=True, blank=True)
    popsci_audience = models.PositiveIntegerField(_("popular-science audience"), default=0, null=True, blank=True)
    consulting_projects = models.PositiveIntegerField(_("consulting projects"), default=0, null=True, blank=True)
    policy_proposals = models.PositiveIntegerField(_("policy proposals submitted"), default=0, null=True, blank=True)
    proposals_adopted = models.PositiveIntegerField(_("policy proposals adopted"), default=0, null=True, blank=True)
    awards = models.PositiveIntegerField(_("awards given or won"), default=0, null=True, blank=True)
    journals_published = models.PositiveIntegerField(_("journals published"), default=0, null=True, blank=True)
    standards_drafted = models.PositiveIntegerField(_("group standards drafted"), default=0, null=True, blank=True)
    # Members
    individual_members = models.PositiveIntegerField(_("individual members"), default=0, null=True, blank=True)
    group_members = models.PositiveIntegerField(_("group members"), default=0, null=True, blank=True)
    new_members = models.PositiveIntegerField(_("new members this year"), default=0, null=True, blank=True)
    # Finances, in 10,000 yuan (万元)
    income = models.DecimalField(_("income (10,000 yuan)"), max_digits=12, decimal_places=2, default=0,
                                 null=True, blank=True)
    expenditure = models.DecimalField(_("expenditure (10,000 yuan)"), max_digits=12, decimal_places=2, default=0,
                                      null=True, blank=True)
    # Governance meetings (内部治理)
    council_meetings = models.PositiveSmallIntegerField(_("council meetings"), default=0, null=True, blank=True)
    standing_council_meetings = models.PositiveSmallIntegerField(_("standing council meetings"), default=0,
                                                                 null=True, blank=True)
    supervisory_meetings = models.PositiveSmallIntegerField(_("supervisory board meetings"), default=0,
                                                            null=True, blank=True)
    narrative = models.TextField(_("summary of the year's work"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    late = models.BooleanField(_("filed late"), default=False,
                               help_text=_("First submitted after the round's due date."))
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "society__organization"
    scope_owner_field = "submitted_by"

    class Meta:
        ordering = ["-year", "society_id"]
        verbose_name = _("annual report")
        constraints = [
            models.UniqueConstraint(fields=["society", "year"], name="annual_report_per_year"),
            models.CheckConstraint(condition=Q(income__gte=0) & Q(expenditure__gte=0),
                                   name="annual_report_money_not_negative"),
        ]
        indexes = [models.Index(fields=["year", "status"], name="annual_report_year_status_idx")]

    def __str__(self):
        return f"{self.society} {self.year}"


# The values a rubric indicator may read ("report.<name>" / "registry.<name>"), with their type.
# Derived registry values are computed by kexie.societies.selectors.registry_facts.
NUMBER, BOOLEAN = "number", "boolean"
REPORT_FIELDS = {
    name: NUMBER for name in (
        "academic_events", "academic_participants", "popsci_events", "popsci_audience", "consulting_projects",
        "policy_proposals", "proposals_adopted", "awards", "journals_published", "standards_drafted",
        "individual_members", "group_members", "new_members", "income", "expenditure", "council_meetings",
        "standing_council_meetings", "supervisory_meetings")
}
REGISTRY_FIELDS = {
    "secretary_general_full_time": BOOLEAN,
    "secretary_general_appointed": BOOLEAN,
    "secretariat_staff": NUMBER,
    "individual_members": NUMBER,
    "group_members": NUMBER,
    "has_party_organization": BOOLEAN,
    "journals": NUMBER,
    "branches": NUMBER,
    "council_term_overdue": BOOLEAN,
    "inspection_qualified": BOOLEAN,  # the latest annual inspection was 合格
}
