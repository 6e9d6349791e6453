from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "kexie.proposals"
    label = "proposals"
    verbose_name = _("Proposals and think-tank work")

    def ready(self):
        # Plan targets such as "报送建言专报12期" count from the records here: the same selectors as
        # the proposals pages.
        from kexie.plans import measures

        from . import selectors

        measures.register("proposals.submitted", _("Proposals received"), selectors.submissions_count, unit="篇",
                          keywords=("建言", "建议", "征集"))
        measures.register("proposals.adopted", _("Proposals adopted"), selectors.adopted_count, unit="篇",
                          keywords=("采纳", "批示"))
        measures.register("proposals.bulletins", _("Bulletin issues"), selectors.bulletins_count, unit="期",
                          keywords=("专报", "专刊", "智库"))

        # A person's credit (proposals written and adopted, bulletin issues, instructions) on their
        # page, for users who may view proposals.
        from kexie.people import sections

        sections.register("proposals/_person_credits.html", selectors.person_section)

        # The proposals the account filed, on the S&T worker's home page.
        from kexie.accounts.home import register_section

        from .home import my_proposals

        register_section("proposals.mine", _("My proposals"), my_proposals, order=40, more_url_name="proposals:mine")
