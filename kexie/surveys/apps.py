"""Survey stations for the condition of S&T workers (科技工作者状况调查站点): stations under the
tree, survey rounds with questionnaires defined as data, quotas, one-time response codes, answers
on a phone without an account, completion per station and level, station reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _home_items(user):
    """For an account whose person record is an investigator of a station: the open rounds of
    their stations with the station's completion."""
    from django.urls import reverse
    from django.utils.translation import gettext

    from kexie.accounts.home import HomeItem, person_of

    from . import selectors

    items = []
    for row in selectors.investigator_rows(person_of(user)):
        items.append(HomeItem(
            title=f"{row['round'].title} · {row['station'].name}", url=reverse("surveys:mine"),
            when=row["round"].closes_on,
            status=gettext("%(done)s of %(quota)s responses (%(percent)s%%)") % {
                "done": row["responses"], "quota": row["quota"], "percent": row["percent"]},
            detail=gettext("%(n)s codes not yet used") % {"n": row["codes_left"]},
            action_label=gettext("Answering page"), action_url=reverse("surveys:answer")))
    return items


class SurveysConfig(AppConfig):
    name = "kexie.surveys"
    label = "surveys"
    verbose_name = _("Survey stations")

    def ready(self):
        from kexie.accounts.home import register_section
        from kexie.plans import measures

        from . import selectors

        # "做好科技工作者状况调查站点培育": active stations in the subtree; responses collected.
        measures.register("surveys.stations", _("Active survey stations"), selectors.count_stations, unit="个",
                          keywords=("调查站点", "状况调查"))
        measures.register("surveys.responses", _("Survey responses collected"), selectors.count_responses,
                          unit="份", keywords=("调查问卷", "有效问卷"))
        register_section("surveys", _("Survey rounds of my stations"), _home_items, order=60,
                         more_url_name="surveys:mine")
