"""The activity registry: academic conferences, lectures and salons, popular-science events and
trainings, each hosted by an organisation of the tree (the scope field) with co-hosts, and the
campaigns that gather them (全国科普日, 科技活动周 …). Counts of held activities roll up the tree
through :mod:`kexie.activities.selectors` and feed plan targets."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class CampaignKind(models.TextChoices):
    SCIENCE_DAY = "science_day", _("National Science Popularisation Day")  # 全国科普日
    SCIENCE_WEEK = "science_week", _("Science and Technology Week")  # 科技活动周
    WORKERS_DAY = "workers_day", _("S&T Workers' Day")  # 全国科技工作者日
    OTHER = "other", pgettext_lazy("campaign kind", "Other")


class ActivityKind(models.TextChoices):
    CONFERENCE = "conference", _("Academic conference")  # 学术会议
    LECTURE = "lecture", _("Academic lecture")  # 学术报告·学会大讲堂
    SALON = "salon", _("Academic salon")  # 学术沙龙
    POPSCI = "popsci", _("Popular-science event")  # 科普活动
    TRAINING = "training", _("Training")  # 培训
    OTHER = "other", pgettext_lazy("activity kind", "Other")


class Setting(models.TextChoices):
    SCHOOL = "school", _("In schools")  # 进校园
    COMMUNITY = "community", _("In communities")  # 进社区
    VILLAGE = "village", _("In villages")  # 进乡村
    ENTERPRISE = "enterprise", _("In enterprises")  # 进企业
    ONLINE = "online", _("Online")  # 线上
    OTHER = "other", pgettext_lazy("activity setting", "Other")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class ActivityCampaign(models.Model):
    """A campaign launched by an organisation (全国科普日 by the national association …) that the
    tree's activities join."""

    name = models.CharField(pgettext_lazy("campaign", "name"), max_length=200)
    kind = models.CharField(pgettext_lazy("activity", "campaign kind"), max_length=20, choices=CampaignKind.choices,
                            db_index=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("launched by"),
                                     on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-year", "name", "pk"]
        verbose_name = _("activity campaign")
        constraints = [models.CheckConstraint(
            condition=Q(starts_on__isnull=True) | Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
            name="activities_campaign_dates_order")]

    def __str__(self):
        return self.name


class ActivityQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str):
        """Activities hosted in the user's scope, and — for viewing — those co-hosted by an
        organisation in it."""
        from kexie.accounts.scope import scope_q

        own = scope_q(user, action, org_field="organization", owner_field="created_by")
        co = scope_q(user, action, org_field="co_hosts", owner_field=None) if action.endswith(".view") else None
        if own is None and co is None:
            return self.none()
        q = own if own is not None else Q(pk__in=[])
        if co is not None:
            q |= Q(pk__in=Activity.objects.filter(co).values("pk"))
        return self.filter(q)


class Activity(models.Model):
    """One activity hosted by an organisation of the tree."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("host"),
                                     on_delete=models.PROTECT, related_name="+")
    co_hosts = models.ManyToManyField("organizations.Organization", verbose_name=_("co-hosts"), blank=True,
                                      related_name="+")
    kind = models.CharField(_("activity kind"), max_length=20, choices=ActivityKind.choices, db_index=True)
    setting = models.CharField(_("setting"), max_length=12, choices=Setting.choices, blank=True)
    campaign = models.ForeignKey(ActivityCampaign, verbose_name=pgettext_lazy("activity", "campaign"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(_("title"), max_length=200)
    place = models.CharField(_("place"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True, db_index=True)
    starts_on = models.DateField(_("starts on"), db_index=True)
    ends_on = models.DateField(_("ends on"))
    audience = models.PositiveIntegerField(_("audience (attendances)"), default=0)
    online_views = models.PositiveIntegerField(_("online views"), null=True, blank=True)
    staff_involved = models.PositiveIntegerField(_("S&T workers involved"), default=0)
    experts = models.ManyToManyField("people.Person", verbose_name=_("experts"), blank=True, related_name="+")
    outputs = models.TextField(_("outputs"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ActivityStatus.choices,
                              default=ActivityStatus.PLANNED, db_index=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    # Registration (报名) with tickets and check-in: see kexie.activities.registration.
    registration_open = models.BooleanField(_("registration open"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)  # None: unlimited
    registration_closes_on = models.DateField(_("registration closes on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["status", "starts_on"], name="activities_status_start")]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="activities_dates_order")]

    def __str__(self):
        return self.title


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")


class CheckinSource(models.TextChoices):
    SCAN = "scan", _("Ticket scanned")
    LIST = "list", _("Ticked on the printed list")
    OFFLINE = "offline", _("Scanned offline")


class Registration(models.Model):
    """One person's registration (报名) for an activity, with its ticket. An account registers
    itself, or a clerk registers someone on their behalf (no account then). Seats are counted
    under a lock on the activity's row; check-in and check-out are conditional updates, so a
    ticket scanned twice — or by two devices at once — counts once."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.CASCADE,
                                 related_name="registrations")
    account = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    unit = models.CharField(_("work unit"), max_length=200, blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices, db_index=True)
    ticket = models.CharField(_("ticket code"), max_length=32, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("checked in by"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="+")
    checkin_source = models.CharField(_("check-in by"), max_length=8, choices=CheckinSource.choices, blank=True)
    device = models.CharField(_("device"), max_length=64, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        constraints = [models.UniqueConstraint(
            fields=["activity", "account"], condition=Q(account__isnull=False) & ~Q(status="cancelled"),
            name="activities_one_registration_per_account")]
        indexes = [models.Index(fields=["activity", "status", "created_at"], name="activities_reg_queue")]

    def __str__(self):
        return f"{self.name} · {self.activity}"


# Calls for abstracts of conferences (kept in their own module).
from .models_abstracts import AbstractCall, AbstractSubmission  # noqa: E402, F401
