"""Technical demands of enterprises (技术需求) and open calls (揭榜挂帅).

A ``Demand`` is held by the association that recorded it or received it from its enterprise (a
county, city or park association). Staff triage it — accept it, merge a duplicate into another, or
return it with a reason — and route it either to expert matching (专家对接: a shortlist of
``Candidate`` experts, conflicted ones kept but excluded with their reason, released to the
enterprise by the association) or to an open call (发榜): teams apply (揭榜, ``Application``), a
panel of the panels app reviews the eligible ones, one team is chosen (挂帅) and contracted, and
its ``DemandMilestone`` reports are accepted (验收) until the demand is completed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet


class DemandStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("demand", "Submitted")  # 已提交
    ACCEPTED = "accepted", pgettext_lazy("demand", "Accepted")  # 已受理
    RETURNED = "returned", pgettext_lazy("demand", "Returned")  # 已退回
    MERGED = "merged", pgettext_lazy("demand", "Merged")  # 已合并
    MATCHED = "matched", pgettext_lazy("demand", "Matched with experts")  # 已匹配专家
    PUBLISHED = "published", pgettext_lazy("demand", "Published as an open call")  # 已发榜
    CONTRACTED = "contracted", pgettext_lazy("demand", "Contracted")  # 已签约(挂帅)
    COMPLETED = "completed", pgettext_lazy("demand", "Completed")  # 已验收
    CLOSED = "closed", pgettext_lazy("demand", "Closed")  # 已关闭


class Route(models.TextChoices):
    NONE = "", pgettext_lazy("demand route", "Not decided")
    MATCH = "match", pgettext_lazy("demand route", "Expert matching")  # 专家对接
    OPEN_CALL = "open_call", pgettext_lazy("demand route", "Open call")  # 揭榜挂帅


class Demand(models.Model):
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("holding association"),
                                     on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("submitted by"))
    # The service station (学会服务站, 专家工作站 …) that collected the demand, when one did: its
    # "demands collected" entry fact counts these records.
    station = models.ForeignKey("stations.Station", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="demands", verbose_name=_("collected by station"))
    enterprise_name = models.CharField(_("enterprise"), max_length=200)
    enterprise_credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    title = models.CharField(_("demand title"), max_length=200)
    industry = models.CharField(_("industry (GB/T 4754)"), max_length=8, blank=True, db_index=True)
    field = models.CharField(_("technical field"), max_length=200, blank=True)
    problem = models.TextField(_("problem to solve"), blank=True)
    goal = models.TextField(_("expected goal"), blank=True)
    budget = models.DecimalField(_("budget (10,000 yuan)"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("wanted by"), null=True, blank=True)
    confidential = models.BooleanField(_("confidential"), default=False)
    named_staff = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                         verbose_name=_("staff named for a confidential demand"))
    status = models.CharField(_("status"), max_length=12, choices=DemandStatus.choices,
                              default=DemandStatus.SUBMITTED, db_index=True)
    route = models.CharField(_("route"), max_length=10, choices=Route.choices, default=Route.NONE, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="merged_demands", verbose_name=_("merged into"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    accepted_at = models.DateTimeField(pgettext_lazy("demand", "accepted at"), null=True, blank=True)
    first_candidate_at = models.DateTimeField(_("first qualified candidate at"), null=True, blank=True)
    published_at = models.DateTimeField(pgettext_lazy("demand", "published at"), null=True, blank=True)
    apply_until = models.DateField(_("applications until"), null=True, blank=True)
    reward = models.TextField(_("what the call offers"), blank=True)
    contracted_at = models.DateTimeField(_("contracted at"), null=True, blank=True)
    contract_amount = models.DecimalField(_("contract amount (10,000 yuan)"), max_digits=12, decimal_places=2,
                                          null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    review_round = models.ForeignKey("panels.ReviewRound", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("panel review round"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The holder's scope; confidential demands are further limited by selectors.demands_visible.
    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = "submitted_by"

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("technical demand")
        indexes = [models.Index(fields=["organization", "received_at"], name="demands_org_received")]

    def __str__(self):
        return self.title


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("milestone", "Planned")  # 计划中
    REPORTED = "reported", pgettext_lazy("milestone", "Reported")  # 已报告
    ACCEPTED = "accepted", pgettext_lazy("milestone", "Accepted")  # 已验收
    RETURNED = "returned", pgettext_lazy("milestone", "Returned")  # 已退回


class DemandMilestone(models.Model):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="milestones")
    position = models.PositiveSmallIntegerField(pgettext_lazy("milestone", "position"), default=0)
    title = models.CharField(_("milestone"), max_length=200)
    due = models.DateField(pgettext_lazy("milestone", "due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PLANNED)
    report = models.TextField(_("report"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    accepted_at = models.DateTimeField(pgettext_lazy("milestone", "accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("accepted by"))
    note = models.TextField(_("acceptance note"), blank=True)

    class Meta:
        ordering = ["demand_id", "position", "pk"]
        verbose_name = _("demand milestone")

    def __str__(self):
        return self.title


class Candidate(models.Model):
    """An expert on the shortlist of a demand routed to matching."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("expert"))
    entry = models.ForeignKey("people.ExpertEntry", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    score = models.FloatField(pgettext_lazy("expert candidate", "score"), default=0)
    reasons = models.TextField(_("why matched"), blank=True)
    excluded = models.BooleanField(_("excluded"), default=False)
    exclusion_reason = models.TextField(_("reason for exclusion"), blank=True)
    released = models.BooleanField(_("released to the enterprise"), default=False)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        ordering = ["demand_id", "excluded", "-score", "pk"]
        verbose_name = _("expert candidate")
        constraints = [models.UniqueConstraint(fields=["demand", "person"], name="demands_candidate_once")]

    def __str__(self):
        return str(self.person)


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("open call application", "Applied")  # 已揭榜
    ELIGIBLE = "eligible", pgettext_lazy("open call application", "Passed the formal check")  # 形式审查通过
    INELIGIBLE = "ineligible", pgettext_lazy("open call application", "Failed the formal check")  # 形式审查未通过
    CHOSEN = "chosen", pgettext_lazy("open call application", "Chosen")  # 挂帅
    NOT_CHOSEN = "not_chosen", pgettext_lazy("open call application", "Not chosen")  # 未入选


class Application(models.Model):
    """A team applying to a published demand (揭榜)."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="applications")
    team_name = models.CharField(_("team"), max_length=200)
    lead_name = models.CharField(_("team lead"), max_length=60)
    lead_unit = models.CharField(_("lead's unit"), max_length=200, blank=True)
    lead_person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("team lead (person)"))
    members = models.TextField(_("team members"), blank=True)
    proposal = models.TextField(_("proposal"), blank=True)
    quoted_amount = models.DecimalField(_("quoted amount (10,000 yuan)"), max_digits=12, decimal_places=2,
                                        null=True, blank=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("filed by"))
    status = models.CharField(_("status"), max_length=12, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, db_index=True)
    status_reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("applied at"), default=timezone.now)
    review_item = models.ForeignKey("panels.ReviewItem", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["demand_id", "submitted_at", "pk"]
        verbose_name = _("open call application")

    def __str__(self):
        return self.team_name
