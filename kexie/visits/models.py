"""Expert service teams (科技服务团), visits, follow-ups and regular-contact duties.

A ``ServiceTeam`` is kept by an organisation (its scope): a 科技服务团, a 院士专家基层行 group or an
enterprise clinic (企业义诊) with a mission, the disciplines and industries it serves and a period.
Its roster (``TeamMember``) names person records with a role (团长/成员/联络员).

A ``Visit`` is one trip logged by an organisation: where it went (a county association of the
tree and/or an enterprise by name), the problem found, the advice given, the experts who went,
and a follow-up with an owner (a staff account) and a due date. An open follow-up past its date
is overdue; the daily job ``visit_reminders`` tells its owner.

A ``ContactDuty`` is the 联系服务制度: a staff member keeps in touch with an academician or expert
every ``cadence_days`` days. The last contact is the latest ``ContactLog``; a duty is overdue when
that date (or the start, before any contact) plus the cadence is before today.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class TeamKind(models.TextChoices):
    SERVICE = "service", _("S&T service team")  # 科技服务团
    GRASSROOTS = "grassroots", _("Academicians and experts to the grassroots")  # 院士专家基层行
    CLINIC = "clinic", _("Enterprise clinic")  # 企业义诊
    OTHER = "other", _("Other service team")


class TeamStatus(models.TextChoices):
    ACTIVE = "active", _("Serving")
    CLOSED = "closed", pgettext_lazy("service team", "Closed")


class ServiceTeam(models.Model):
    """A team of experts an organisation sends out to serve counties and enterprises."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("team name"), max_length=200)
    kind = models.CharField(_("team kind"), max_length=12, choices=TeamKind.choices, default=TeamKind.SERVICE)
    mission = models.TextField(_("mission"), blank=True)
    disciplines = models.JSONField(_("disciplines"), default=list, blank=True)  # GB/T 13745 codes
    industries = models.JSONField(_("industries"), default=list, blank=True)  # GB/T 4754 codes
    starts_on = models.DateField(_("period from"), null=True, blank=True)
    ends_on = models.DateField(_("period until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=TeamStatus.choices, default=TeamStatus.ACTIVE,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("service team")
        constraints = [models.CheckConstraint(
            condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            name="visits_team_period_order")]

    def __str__(self):
        return self.name


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Team leader")  # 团长
    MEMBER = "member", _("Team member")  # 成员
    LIAISON = "liaison", _("Liaison")  # 联络员


class TeamMember(models.Model):
    """A person on a team's roster, with their role."""

    team = models.ForeignKey(ServiceTeam, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.PROTECT,
                               related_name="+")
    role = models.CharField(_("role in the team"), max_length=8, choices=MemberRole.choices,
                            default=MemberRole.MEMBER)

    class Meta:
        ordering = ["team_id", "role", "pk"]
        verbose_name = _("team member")
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="visits_member_once")]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Follow-up open")
    DONE = "done", _("Follow-up done")


class Visit(models.Model):
    """One visit to a county or an enterprise: problem, advice, the experts who went, a follow-up."""

    team = models.ForeignKey(ServiceTeam, verbose_name=_("service team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="visits")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("visit date"), db_index=True)
    place = models.CharField(_("place"), max_length=200)
    county = models.ForeignKey("organizations.Organization", verbose_name=_("county served"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="+")
    enterprise = models.CharField(_("enterprise served"), max_length=200, blank=True)
    problem = models.TextField(_("problem found"))
    advice = models.TextField(_("advice given"), blank=True)
    persons = models.ManyToManyField("people.Person", blank=True, related_name="+",
                                     verbose_name=_("experts who went"))
    staff_present = models.CharField(_("staff present"), max_length=300, blank=True)
    followup_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("follow-up owner"), null=True,
                                       blank=True, on_delete=models.PROTECT, related_name="+")
    followup_due = models.DateField(_("follow-up due"), null=True, blank=True)
    followup_status = models.CharField(_("follow-up"), max_length=6, choices=FollowUpStatus.choices, blank=True,
                                       db_index=True)
    done_at = models.DateField(_("follow-up done on"), null=True, blank=True)
    outcome = models.TextField(_("outcome of the follow-up"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("visit")
        constraints = [
            models.CheckConstraint(condition=Q(county__isnull=False) | ~Q(enterprise=""),
                                   name="visits_visit_has_target"),
            # A follow-up has an owner and a date, or there is none at all.
            models.CheckConstraint(
                condition=(Q(followup_status="") & Q(followup_owner__isnull=True) & Q(followup_due__isnull=True))
                | (~Q(followup_status="") & Q(followup_owner__isnull=False) & Q(followup_due__isnull=False)),
                name="visits_visit_followup_whole"),
        ]

    def __str__(self):
        return f"{self.date} {self.target}"

    @property
    def target(self) -> str:
        """Who was served: the county and/or the enterprise."""
        return "·".join(part for part in (self.county.name if self.county_id else "", self.enterprise) if part)


class ContactDuty(models.Model):
    """联系服务: a staff member (``owner``) keeps in touch with an academician or expert."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("academician or expert"), on_delete=models.PROTECT,
                               related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("staff member in charge"),
                              on_delete=models.PROTECT, related_name="+")
    cadence_days = models.PositiveSmallIntegerField(_("contact every (days)"))
    started_on = models.DateField(_("started on"))
    active = models.BooleanField(_("duty in force"), default=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["person__name_pinyin", "pk"]
        verbose_name = _("contact duty")
        constraints = [
            models.CheckConstraint(condition=Q(cadence_days__gte=1), name="visits_duty_cadence_positive"),
            models.UniqueConstraint(fields=["organization", "person"], condition=Q(active=True),
                                    name="visits_duty_one_active"),
        ]

    def __str__(self):
        return f"{self.person} — {self.owner}"


class ContactMode(models.TextChoices):
    VISIT = "visit", _("Call in person")  # 走访
    PHONE = "phone", _("Telephone")  # 电话
    MEETING = "meeting", _("Symposium")  # 座谈
    OTHER = "other", _("Other contact")


class ContactLog(models.Model):
    """One contact under a duty."""

    duty = models.ForeignKey(ContactDuty, on_delete=models.CASCADE, related_name="logs")
    date = models.DateField(_("contact date"))
    mode = models.CharField(_("contact mode"), max_length=8, choices=ContactMode.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["duty_id", "-date", "-pk"]
        verbose_name = _("contact record")
        indexes = [models.Index(fields=["duty", "date"], name="visits_log_duty_date")]

    def __str__(self):
        return f"{self.date} {self.get_mode_display()}"
