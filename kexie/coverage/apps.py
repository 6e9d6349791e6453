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

ROSTER_KEYWORDS = {
    "hospital": ("医院院长", "院长"), "school": ("学校校长", "校长"), "agri_station": ("农技站站长", "站长"),
    "enterprise": ("企业家", "企业负责人"), "park": ("园区主任",),
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

        from .models import PostKind

        # Targets such as "吸纳医院院长进入科协组织30人" count the active roster entries of the post
        # kind in the plan's subtree.
        for kind in PostKind.values:
            measures.register(f"coverage.roster.{kind}",
                              format_lazy(_("Grassroots leaders on committees: {kind}"), kind=PostKind(kind).label),
                              partial(selectors.count_roster, kind=kind), unit="人", keywords=ROSTER_KEYWORDS[kind])
        # The person's own committee posts on the S&T worker's home page.
        from kexie.accounts.home import register_section

        from .home import my_committee_posts

        register_section("coverage.committees", _("My committee posts"), my_committee_posts, order=65)

        for kind in KEYWORDS:
            measures.register(f"coverage.new.{kind}",
                              format_lazy(_("New associations: {kind}"), kind=OrgKind(kind).label),
                              partial(selectors.count_new, kind=kind), unit="家", keywords=KEYWORDS[kind])
