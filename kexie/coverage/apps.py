"""Grassroots coverage (基层组织覆盖): how many of a region's universities, enterprises, parks,
townships and institutes have an association of the tree."""
from functools import partial

from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# The words plans use for each kind: a target "新增企业科协20家" is offered the new-企业科协 count.
KEYWORDS = {
    "university_association": ("高校科协",), "enterprise_association": ("企业科协",),
    "park_association": ("园区科协",), "township_association": ("乡镇科协", "街道科协"),
    "institute_association": ("院所科协", "科研院所科协"),
}


class CoverageConfig(AppConfig):
    name = "kexie.coverage"
    label = "coverage"
    verbose_name = _("Grassroots coverage")

    def ready(self):
        # Plan targets such as "新增企业科协20家" count from the organisation tree: one measure per
        # kind of grassroots association (established in the period, in the plan's subtree). No rate
        # measure: a measure's count is a whole number over a period, not a percentage.
        from kexie.organizations.models import OrgKind
        from kexie.plans import measures

        from . import selectors

        for kind in KEYWORDS:
            measures.register(f"coverage.new.{kind}",
                              format_lazy(_("New associations: {kind}"), kind=OrgKind(kind).label),
                              partial(selectors.count_new, kind=kind), unit="家", keywords=KEYWORDS[kind])
