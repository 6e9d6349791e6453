"""Grassroots coverage records: the denominators, i.e. how many universities, above-scale
enterprises, parks, townships (streets) and research institutes a region has in a year. The
numerator is not stored: it is counted from the organisation tree (see ``selectors``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kexie.core.querysets import ScopedQuerySet
from kexie.core.validators import validate_region_code
from kexie.organizations.models import Organization, OrgKind


class Category(models.TextChoices):
    UNIVERSITY = "university", pgettext_lazy("coverage", "Universities")
    ENTERPRISE = "enterprise", pgettext_lazy("coverage", "Above-scale enterprises")
    PARK = "park", pgettext_lazy("coverage", "Parks")
    TOWNSHIP = "township", pgettext_lazy("coverage", "Townships and streets")
    INSTITUTE = "institute", pgettext_lazy("coverage", "Research institutes")


# The kind of association that covers one unit of each category: a university counts as covered
# by a 高校科协, an above-scale enterprise by a 企业科协, and so on.
CATEGORY_KIND = {
    Category.UNIVERSITY: OrgKind.UNIVERSITY_ASSOCIATION,
    Category.ENTERPRISE: OrgKind.ENTERPRISE_ASSOCIATION,
    Category.PARK: OrgKind.PARK_ASSOCIATION,
    Category.TOWNSHIP: OrgKind.TOWNSHIP_ASSOCIATION,
    Category.INSTITUTE: OrgKind.INSTITUTE_ASSOCIATION,
}


class Denominator(models.Model):
    """How many units of a category a region has in a year, as reported by the association that
    owns the figure (a statistics yearbook, an education department's list…)."""

    organization = models.ForeignKey(Organization, verbose_name=_("reporting association"),
                                     on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(_("administrative region code"), max_length=6,
                                   validators=[validate_region_code])
    region_name = models.CharField(pgettext_lazy("coverage", "region name"), max_length=100, blank=True)
    category = models.CharField(pgettext_lazy("coverage", "category"), max_length=16, choices=Category.choices)
    year = models.PositiveSmallIntegerField(pgettext_lazy("coverage", "year"))
    count = models.PositiveIntegerField(pgettext_lazy("coverage", "count"))
    source = models.CharField(pgettext_lazy("coverage", "source"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "region_code", "category"]
        verbose_name = pgettext_lazy("coverage", "denominator")
        verbose_name_plural = pgettext_lazy("coverage", "denominators")
        constraints = [
            models.UniqueConstraint(fields=["region_code", "category", "year"], name="coverage_denominator_unique"),
            models.CheckConstraint(condition=models.Q(category__in=Category.values),
                                   name="coverage_category_valid"),
        ]

    def __str__(self):
        return f"{self.region_code} {self.get_category_display()} {self.year}: {self.count}"


# --- the 三长/四长 roster ---------------------------------------------------------------------------

class PostKind(models.TextChoices):
    """The grassroots posts whose holders an association brings onto its committee: the 三长
    (hospital, school, agricultural-technology station) and, for the 四长, an enterprise's head or
    a park's director."""

    HOSPITAL = "hospital", pgettext_lazy("roster", "Hospital head")  # 医院院长
    SCHOOL = "school", pgettext_lazy("roster", "School head")  # 学校校长
    AGRI_STATION = "agri_station", pgettext_lazy("roster", "Agri-tech station head")  # 农技站站长
    ENTERPRISE = "enterprise", pgettext_lazy("roster", "Entrepreneur")  # 企业家/企业负责人
    PARK = "park", pgettext_lazy("roster", "Park director")  # 园区主任


class CommitteeRole(models.TextChoices):
    CHAIR = "chair", pgettext_lazy("roster", "Chair")  # 主席
    VICE_CHAIR = "vice_chair", pgettext_lazy("roster", "Vice chair")  # 副主席
    PART_TIME_VICE_CHAIR = "part_time_vice_chair", pgettext_lazy("roster", "Part-time vice chair")  # 兼职副主席
    STANDING = "standing", pgettext_lazy("roster", "Standing committee member")  # 常委
    MEMBER = "member", pgettext_lazy("roster", "Committee member")  # 委员


class RosterEntry(models.Model):
    """A grassroots leader (a 院长, 校长, 站长 …) serving on an association's committee: the one
    person record, the post they hold outside and their seat on the committee, for a term. An
    entry is ended (``active`` false, with the day) rather than deleted."""

    organization = models.ForeignKey(Organization, verbose_name=pgettext_lazy("roster", "association"),
                                     on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=pgettext_lazy("roster", "person"),
                               on_delete=models.PROTECT, related_name="+")
    post_kind = models.CharField(pgettext_lazy("roster", "post kind"), max_length=16, choices=PostKind.choices)
    post_unit = models.CharField(pgettext_lazy("roster", "unit"), max_length=200)
    post_title = models.CharField(pgettext_lazy("roster", "post"), max_length=100)
    committee_role = models.CharField(pgettext_lazy("roster", "committee role"), max_length=24,
                                      choices=CommitteeRole.choices, default=CommitteeRole.MEMBER)
    term_starts_on = models.DateField(pgettext_lazy("roster", "term starts on"), null=True, blank=True)
    term_ends_on = models.DateField(pgettext_lazy("roster", "term ends on"), null=True, blank=True)
    active = models.BooleanField(pgettext_lazy("roster", "active"), default=True, db_index=True)
    ended_on = models.DateField(pgettext_lazy("roster", "ended on"), null=True, blank=True)
    end_reason = models.CharField(pgettext_lazy("roster", "reason for ending"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    scope_org_field = "organization"
    scope_owner_field = None

    class Meta:
        ordering = ["organization_id", "post_kind", "pk"]
        verbose_name = pgettext_lazy("roster", "roster entry")
        verbose_name_plural = pgettext_lazy("roster", "roster entries")
        constraints = [
            models.UniqueConstraint(fields=["organization", "person", "post_kind"], condition=models.Q(active=True),
                                    name="coverage_roster_active_unique"),
            models.CheckConstraint(condition=models.Q(post_kind__in=PostKind.values), name="coverage_roster_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(term_starts_on__isnull=True) | models.Q(term_ends_on__isnull=True)
                | models.Q(term_ends_on__gte=models.F("term_starts_on")), name="coverage_roster_term_dates"),
        ]

    def __str__(self):
        return f"{self.person} {self.post_unit}{self.post_title}"

    @property
    def post(self) -> str:
        """The post as written: unit and title (中牟县人民医院院长)."""
        return f"{self.post_unit}{self.post_title}"
