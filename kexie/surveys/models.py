"""Survey stations for the condition of S&T workers (科技工作者状况调查站点): stations registered
under an association of the tree, survey rounds whose questionnaire is data (checked by
:mod:`kexie.questionnaire`), the stations taking part in a round with their quota, one-time response
codes (填答码) handed out by the investigators, the anonymous responses, and the stations' reports.

A response carries no identity: no account, no address, no name — only the round, the station, the
code it used (once: one-to-one in the database) and the answers."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class StationKind(models.TextChoices):
    UNIVERSITY = "university", _("University")  # 高校
    INSTITUTE = "institute", _("Research institute")  # 科研院所
    HEALTH = "health", _("Medical and health institution")  # 医疗卫生机构
    ENTERPRISE = "enterprise", pgettext_lazy("station kind", "Enterprise")  # 企业
    SOCIETY = "society", pgettext_lazy("station kind", "Society")  # 学会
    GRASSROOTS = "grassroots", _("Grassroots (township or park)")  # 基层(乡镇/园区)
    OTHER = "other", pgettext_lazy("station kind", "Other")  # 其他


class RoundStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey round", "Draft")
    OPEN = "open", pgettext_lazy("survey round", "Open")
    CLOSED = "closed", pgettext_lazy("survey round", "Closed")


class SurveyStation(models.Model):
    """A survey station hosted by a unit (a university, an institute, a hospital …), registered
    under an association of the tree (the scope field), with its investigators (调查员)."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("registered under"),
                                     on_delete=models.PROTECT, related_name="+")
    name = models.CharField(pgettext_lazy("survey station", "name"), max_length=200)
    kind = models.CharField(_("station kind"), max_length=20, choices=StationKind.choices, db_index=True)
    host_unit = models.CharField(_("host unit"), max_length=200)
    region_code = models.CharField(_("region code"), max_length=6, blank=True, db_index=True)
    investigators = models.ManyToManyField("people.Person", verbose_name=_("investigators"), blank=True,
                                           related_name="+")
    active = models.BooleanField(pgettext_lazy("survey station", "active"), default=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("survey station")
        verbose_name_plural = _("survey stations")

    def __str__(self):
        return self.name


class RoundQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str):
        """Rounds launched in the user's scope, and — to view — those in which a station of their
        scope takes part (a province follows the national round through its stations)."""
        from kexie.accounts.scope import scope_q

        own = scope_q(user, action, org_field="organization", owner_field="created_by")
        part = scope_q(user, action, org_field="station__organization", owner_field=None) \
            if action.endswith(".view") else None
        if own is None and part is None:
            return self.none()
        q = own if own is not None else Q(pk__in=[])
        if part is not None:
            q |= Q(pk__in=RoundStation.objects.filter(part).values("round_id"))
        return self.filter(q)


class SurveyRound(models.Model):
    """A survey round launched by an association, with its questionnaire (a definition checked by
    :func:`kexie.questionnaire.validate_definition`) and its answering period."""

    organization = models.ForeignKey("organizations.Organization", verbose_name=_("launched by"),
                                     on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    definition = models.JSONField(_("questionnaire"), default=dict)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.DRAFT,
                              db_index=True)
    stations = models.ManyToManyField(SurveyStation, through="RoundStation", related_name="rounds")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "created_by"

    class Meta:
        ordering = ["-year", "-opens_on", "pk"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")),
                                              name="surveys_round_dates_order")]

    def __str__(self):
        return self.title


class RoundStation(models.Model):
    """A station taking part in a round, with the number of responses it is to collect."""

    round = models.ForeignKey(SurveyRound, verbose_name=_("survey round"), on_delete=models.CASCADE,
                              related_name="participations")
    station = models.ForeignKey(SurveyStation, verbose_name=_("survey station"), on_delete=models.PROTECT,
                                related_name="participations")
    quota = models.PositiveIntegerField(_("quota"))

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "station__organization"
    scope_owner_field = None

    class Meta:
        ordering = ["round", "station__name", "pk"]
        verbose_name = _("participating station")
        constraints = [models.UniqueConstraint(fields=["round", "station"], name="surveys_round_station_once")]

    def __str__(self):
        return f"{self.round} · {self.station}"


class ResponseCode(models.Model):
    """A one-time response code (填答码) for a station in a round; who received it is recorded by
    the investigator who handed it out, never on the response."""

    participation = models.ForeignKey(RoundStation, verbose_name=_("participating station"),
                                      on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("response code"), max_length=16, unique=True)
    handed_to = models.CharField(_("handed to"), max_length=100, blank=True)
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handed out by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    handed_at = models.DateTimeField(_("handed out at"), null=True, blank=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "participation__station__organization"
    scope_owner_field = None

    class Meta:
        ordering = ["participation", "pk"]
        verbose_name = _("response code")
        verbose_name_plural = _("response codes")

    def __str__(self):
        return self.code


class Response(models.Model):
    """One anonymous response: the round, the station, the code it used (at most once) and the
    answers keyed by question. Deliberately no account, address or name."""

    round = models.ForeignKey(SurveyRound, verbose_name=_("survey round"), on_delete=models.PROTECT,
                              related_name="responses")
    station = models.ForeignKey(SurveyStation, verbose_name=_("survey station"), on_delete=models.PROTECT,
                                related_name="responses")
    code = models.OneToOneField(ResponseCode, verbose_name=_("response code"), on_delete=models.PROTECT,
                                related_name="response")
    answers = models.JSONField(_("answers"), default=dict)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "station__organization"
    scope_owner_field = None

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["round", "station"], name="surveys_response_round_station")]

    def __str__(self):
        return f"{self.round} #{self.pk}"


class StationReport(models.Model):
    """A station's report for a period (站点信息): respondents reached, activities held, notes."""

    station = models.ForeignKey(SurveyStation, verbose_name=_("survey station"), on_delete=models.CASCADE,
                                related_name="reports")
    period = models.CharField(_("period"), max_length=20)
    respondents_reached = models.PositiveIntegerField(_("respondents reached"), default=0)
    activities_held = models.PositiveIntegerField(_("activities held"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "station__organization"
    scope_owner_field = "submitted_by"

    class Meta:
        ordering = ["station", "-period", "pk"]
        verbose_name = _("station report")
        verbose_name_plural = _("station reports")
        constraints = [models.UniqueConstraint(fields=["station", "period"], name="surveys_report_period_once")]

    def __str__(self):
        return f"{self.station} {self.period}"
