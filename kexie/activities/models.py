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
