"""Academic and popular-science activities (学术活动, 科普日, 科技活动周 …): one registry whose counts
roll up the organisation tree and feed plan targets."""
from functools import partial

from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The words plans use for each kind (and campaign kind): a target "举办学术会议20场" is offered the
# held-conferences count, "开展科普日活动100场" the held activities of 科普日 campaigns.
KEYWORDS = {
    "conference": ("学术会议", "学术年会"), "lecture": ("学会大讲堂", "学术报告"), "salon": ("学术沙龙",),
    "popsci": ("科普活动",), "training": ("培训",),
    "science_day": ("科普日",), "science_week": ("科技活动周",), "workers_day": ("科技工作者日",),
}


class ActivitiesConfig(AppConfig):
    name = "kexie.activities"
    label = "activities"
    verbose_name = _("Academic and popular-science activities")

    def ready(self):
        # Plan targets count held activities from the registry: one measure for all kinds, one per
        # kind and one per campaign kind (科普日, 科技活动周 …).
        from kexie.plans import measures

        from . import selectors
        from .models import ActivityKind, CampaignKind

        measures.register("activities.held", pgettext_lazy("activity measure", "Activities held"), selectors.count_held, unit="场")
        for value, label in ActivityKind.choices:
            # Lazy: the label is shown in the language of each request, not of start-up.
            measures.register(f"activities.held.{value}", format_lazy(_("Activities held: {kind}"), kind=label),
                              partial(selectors.count_held, kind=value), unit="场", keywords=KEYWORDS.get(value, ()))
        for value, label in CampaignKind.choices:
            if value == CampaignKind.OTHER:
                continue
            measures.register(f"activities.held.{value}", format_lazy(_("Activities held: {kind}"), kind=label),
                              partial(selectors.count_held, campaign_kind=value), unit="场",
                              keywords=KEYWORDS.get(value, ()))

        # The S&T worker's home page: the activities the account registered for, with the ticket
        # and, once checked in, the certificate of attendance.
        from kexie.accounts.home import register_section

        from .registration import home_items

        register_section("activities", _("My activities"), home_items, order=40,
                         more_url_name="activities:my_registrations")
        # … and the abstracts the account submitted to conferences' calls for abstracts.
        from .abstracts import home_items as abstract_items

        register_section("abstracts", _("My abstracts"), abstract_items, order=41,
                         more_url_name="activities:my_abstracts")
