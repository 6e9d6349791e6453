"""The registry of service posts: society service stations, expert workstations, 科技小院, bases.

A ``Station`` is a post an association registers under its tree (学会服务站, 院士专家工作站,
科技小院, 海智基地 …): a host unit (an enterprise, a county, a park) on the ground, often a partner
society of the tree, experts who serve there (``StationExpert``) and an agreement with dates.
Each type has entry rules kept as data (``StationRule``: "a society service station needs ≥ 10
collected demands and ≥ 5 national-level experts"); :mod:`kexie.stations.facts` computes a
station's facts and checks them. A station reports once a year (``StationReport``) and the report
is scored on the rubric engine (:mod:`kexie.rubric`) with the station rubric of
:mod:`kexie.stations.rubric`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class StationType(models.TextChoices):
    SOCIETY_SERVICE = "society_service", _("Society service station")  # 学会服务站
    ACADEMICIAN = "academician", _("Academician and expert workstation")  # 院士专家工作站
    EXPERT = "expert", _("Expert workstation")  # 专家工作站
    BACKYARD = "backyard", _("Science and technology backyard")  # 科技小院
    HAIZHI = "haizhi", _("Overseas talent base")  # 海智基地/工作站
    THINK_TANK = "think_tank", _("Think-tank base")  # 智库基地
    POPSCI = "popsci", _("Science popularisation base")  # 科普教育基地
    SOCIETY_WORK = "society_work", _("Society workstation")  # 学会工作站


class StationStatus(models.TextChoices):
    PREPARING = "preparing", _("Being set up")  # 筹建
    OPERATING = "operating", _("In operation")  # 运行
    SUSPENDED = "suspended", _("Suspended")  # 暂停
    REVOKED = "revoked", _("Revoked")  # 撤销


class StationQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str):
        """Stations registered in the user's scope, and — for viewing — those a society in the
        user's scope partners (a society secretary sees the stations it serves)."""
        from kexie.accounts.scope import scope_q

        own = scope_q(user, action, org_field="organization", owner_field="created_by")
        partner = scope_q(user, action, org_field="partner_society", owner_field=None) if action.endswith(
            ".view") else None
        parts = [q for q in (own, partner) if q is not None]
        if not parts:
            return self.none()
        q = parts[0]
        for part in parts[1:]:
            q |= part
        return self.filter(q)


class Station(models.Model):
    """A service post registered by an association (the scope field) and run by a host unit."""

    type = models.CharField(_("station type"), max_length=20, choices=StationType.choices, db_index=True)
    name = models.CharField(pgettext_lazy("station", "name"), max_length=200)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("registering association"),
                                     on_delete=models.PROTECT, related_name="+")
    host_unit = models.CharField(_("host unit"), max_length=200)
    host_credit_code = models.CharField(_("host unit credit code"), max_length=18, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True, db_index=True)
    partner_society = models.ForeignKey("organizations.Organization", verbose_name=_("partner society"),
                                        null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    agreement_start = models.DateField(_("agreement starts"), null=True, blank=True)
    agreement_end = models.DateField(_("agreement ends"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=StationStatus.choices,
                              default=StationStatus.PREPARING, db_index=True)
    established_on = models.DateField(_("established on"), null=True, blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StationQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["type", "name", "pk"]
        verbose_name = _("station")
        constraints = [models.CheckConstraint(
            condition=Q(agreement_start__isnull=True) | Q(agreement_end__isnull=True)
            | Q(agreement_end__gte=models.F("agreement_start")),
            name="stations_agreement_dates_order")]

    def __str__(self):
        return self.name


class ExpertLevel(models.TextChoices):
    NATIONAL = "national", _("National level")
    PROVINCIAL = "provincial", _("Provincial level")
    CITY = "city", _("City level")
    OTHER = "other", pgettext_lazy("expert level", "Other")


class StationExpert(models.Model):
    """An expert serving at a station; active while ``left_on`` is empty."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="experts")
    person = models.ForeignKey("people.Person", verbose_name=_("expert"), on_delete=models.PROTECT,
                               related_name="+")
    level = models.CharField(_("expert level"), max_length=12, choices=ExpertLevel.choices,
                             default=ExpertLevel.OTHER)
    role = models.CharField(_("role at the station"), max_length=100, blank=True)
    joined_on = models.DateField(pgettext_lazy("station", "joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["station_id", "left_on", "pk"]
        verbose_name = _("station expert")
        constraints = [models.UniqueConstraint(fields=["station", "person"], condition=Q(left_on__isnull=True),
                                               name="stations_expert_active_once")]

    def __str__(self):
        return str(self.person)


class Operator(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    EQ = "eq", "="


class StationRule(models.Model):
    """An entry rule of a station type: the fact ``fact`` must stand ``operator`` ``threshold``."""

    type = models.CharField(_("station type"), max_length=20, choices=StationType.choices, db_index=True)
    fact = models.CharField(_("fact"), max_length=40)
    operator = models.CharField(_("operator"), max_length=4, choices=Operator.choices, default=Operator.GTE)
    threshold = models.DecimalField(_("threshold"), max_digits=10, decimal_places=2)
    message = models.CharField(_("message when not met"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["type", "position", "pk"]
        verbose_name = _("entry rule")
        constraints = [models.UniqueConstraint(fields=["type", "fact"], name="stations_rule_once_per_fact")]

    def __str__(self):
        return f"{self.get_type_display()}: {self.fact} {self.get_operator_display()} {self.threshold}"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    EVALUATED = "evaluated", _("Evaluated")


class StationReport(models.Model):
    """A station's annual report (年度报告) with the figures it states, and its evaluation."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    demands_collected = models.PositiveIntegerField(_("demands collected"), default=0)
    activities = models.PositiveIntegerField(_("activities held"), default=0)
    people_served = models.PositiveIntegerField(_("people served"), default=0)
    achievements = models.TextField(_("achievements"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT,
                              db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)
    # The evaluation: the rubric engine's breakdown, its total and grade, and the reviewer's points.
    judged_scores = models.JSONField(_("reviewer's points"), default=dict, blank=True)
    breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    score = models.DecimalField(pgettext_lazy("station", "score"), max_digits=6, decimal_places=2, null=True,
                                blank=True)
    grade = models.CharField(_("grade"), max_length=20, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", editable=False)

    class Meta:
        ordering = ["station_id", "-year"]
        verbose_name = _("station annual report")
        constraints = [models.UniqueConstraint(fields=["station", "year"], name="stations_report_once_a_year")]

    def __str__(self):
        return f"{self.station} {self.year}"
