"""Grassroots coverage records: the denominators, i.e. how many universities, above-scale
enterprises, parks, townships (streets) and research institutes a region has in a year. The
numerator is not stored: it is counted from the organisation tree (see ``selectors``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
