from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "kexie.visits"
    label = "visits"
    verbose_name = _("Expert service teams and visits")

    def ready(self):
        # Plan targets such as "组织专家服务企业200家次" count from the visits logged: the same
        # selectors as the visits page and its export.
        from kexie.plans import measures

        from . import selectors

        measures.register("visits.visits", _("Expert service visits"), selectors.visits_count, unit="次",
                          keywords=("走访", "服务团", "基层行", "义诊"))
        measures.register("visits.enterprises", _("Enterprises served by expert visits"),
                          selectors.enterprises_served, unit="家", keywords=("服务企业", "义诊"))
