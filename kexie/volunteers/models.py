"""Science and technology volunteers (科技志愿服务).

``VolunteerTeam``: a team (支队/大队/队) kept by an association or society of the tree (the scope
field), optionally under a parent team. ``VolunteerProfile``: the volunteer side of the ONE person
record (``kexie.people.Person``), with team memberships (``TeamMembership``). ``Opportunity``
(服务项目) with ``OpportunityRole`` rows and their slots; ``SignUp``: one volunteer in one role,
with the coordinator's check-in and check-out. ``HoursRecord`` is the one ledger of service
hours: written on check-out (counted at once) or reported by the volunteer (counted once
approved). :mod:`kexie.volunteers.selectors` sums it for every page, export and plan measure."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class TeamLevel(models.TextChoices):
    DETACHMENT = "detachment", _("Volunteer detachment")  # 支队
    BRIGADE = "brigade", _("Volunteer brigade")  # 大队
    SQUAD = "squad", _("Volunteer squad")  # 队


class VolunteerTeam(models.Model):
    """A volunteer team of an association or society."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", verbose_name=_("parent team"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    level = models.CharField(_("team level"), max_length=12, choices=TeamLevel.choices)
    name = models.CharField(pgettext_lazy("team", "name"), max_length=200)
    leader = models.ForeignKey("people.Person", verbose_name=_("team leader"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("volunteer team")

    def __str__(self):
        return self.name


class VolunteerProfile(models.Model):
    """A person registered as a volunteer (注册志愿者), kept by an organisation of the tree."""

    person = models.OneToOneField("people.Person", verbose_name=pgettext_lazy("volunteer", "person"),
                                  on_delete=models.PROTECT, related_name="volunteer_profile")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("registered with"),
                                     on_delete=models.PROTECT, related_name="+")
    teams = models.ManyToManyField(VolunteerTeam, through="TeamMembership", related_name="volunteers", blank=True)
    skills = models.TextField(_("skills"), blank=True)
    service_areas = models.TextField(_("service areas"), blank=True)
    registered_on = models.DateField(_("registered on"))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["pk"]
        verbose_name = _("volunteer")

    def __str__(self):
        return self.person.name


class TeamMembership(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(pgettext_lazy("team member", "joined on"))

    class Meta:
        ordering = ["team", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"], name="volunteers_membership_once")]


class OpportunityStatus(models.TextChoices):
    OPEN = "open", _("Open for sign-up")
    CLOSED = "closed", _("Sign-up closed")
    CANCELLED = "cancelled", _("Cancelled")


class Opportunity(models.Model):
    """A service project (服务项目) volunteers sign up for, in roles with a number of slots."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(VolunteerTeam, verbose_name=_("volunteer team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="opportunities")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    activity = models.ForeignKey("activities.Activity", verbose_name=_("activity"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=OpportunityStatus.choices,
                              default=OpportunityStatus.OPEN, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-starts_at", "pk"]
        verbose_name = _("volunteer opportunity")
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="volunteers_opportunity_times")]

    def __str__(self):
        return self.title


class OpportunityRole(models.Model):
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="roles")
    name = models.CharField(pgettext_lazy("volunteer role", "role"), max_length=100)
    slots = models.PositiveIntegerField(_("slots"))

    class Meta:
        ordering = ["opportunity", "pk"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "name"], name="volunteers_role_name_once")]

    def __str__(self):
        return self.name


class SignUpStatus(models.TextChoices):
    ACTIVE = "active", _("Signed up")
    CANCELLED = "cancelled", pgettext_lazy("sign-up", "Cancelled")


class SignUp(models.Model):
    """One volunteer in one role of an opportunity; the coordinator checks them in and out."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="signups")
    role = models.ForeignKey(OpportunityRole, on_delete=models.PROTECT, related_name="signups")
    volunteer = models.ForeignKey(VolunteerProfile, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(_("status"), max_length=12, choices=SignUpStatus.choices, default=SignUpStatus.ACTIVE,
                              db_index=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "opportunity__organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["opportunity", "pk"]
        constraints = [models.UniqueConstraint(fields=["opportunity", "volunteer"], condition=Q(status="active"),
                                               name="volunteers_signup_once")]

    def __str__(self):
        return f"{self.volunteer} @ {self.opportunity}"


class HoursSource(models.TextChoices):
    ATTENDANCE = "attendance", _("Check-in and check-out")
    REPORT = "report", _("Reported by the volunteer")


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", pgettext_lazy("hours", "Approved")
    RETURNED = "returned", pgettext_lazy("hours", "Returned")


class HoursRecord(models.Model):
    """Service hours of one volunteer: from check-in/out (counted) or reported (counted once
    approved). ``organization`` and ``team``: where the hours count in the rollups."""

    volunteer = models.ForeignKey(VolunteerProfile, verbose_name=_("volunteer"), on_delete=models.PROTECT,
                                  related_name="hours")
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(VolunteerTeam, verbose_name=_("volunteer team"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="hours")
    opportunity = models.ForeignKey(Opportunity, verbose_name=_("volunteer opportunity"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="hours")
    signup = models.OneToOneField(SignUp, null=True, blank=True, on_delete=models.PROTECT, related_name="hours",
                                  editable=False)
    source = models.CharField(_("source"), max_length=12, choices=HoursSource.choices)
    served_on = models.DateField(_("served on"), db_index=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=HoursStatus.choices, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    return_reason = models.CharField(_("reason for returning"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-served_on", "-pk"]
        verbose_name = _("service hours")
        constraints = [models.CheckConstraint(condition=Q(hours__gte=0), name="volunteers_hours_positive")]

    def __str__(self):
        return f"{self.volunteer} {self.served_on} {self.hours}"
