from functools import partial

from django.apps import AppConfig
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# The words plans use for each type: a target "新建科技小院10家" is offered the new-科技小院 count.
KEYWORDS = {
    "society_service": ("学会服务站",), "academician": ("院士专家工作站", "院士工作站"),
    "expert": ("专家工作站", "专家服务站"), "backyard": ("科技小院",), "haizhi": ("海智基地", "海智工作站"),
    "think_tank": ("智库基地",), "popsci": ("科普教育基地", "科普基地"), "society_work": ("学会工作站",),
}


class StationsConfig(AppConfig):
    name = "kexie.stations"
    label = "stations"
    verbose_name = _("Stations and bases")

    def ready(self):
        # Plan targets such as "新建科技小院10家" count from the registry: one measure per station
        # type (new stations established in the period) and one for the stations in operation.
        from kexie.plans import measures

        from . import selectors
        from .models import StationType

        for value, label in StationType.choices:
            # Lazy: the label is shown in the language of each request, not of start-up.
            measures.register(f"stations.new.{value}", format_lazy(_("New stations: {type}"), type=label),
                              partial(selectors.count_new, station_type=value), unit="家",
                              keywords=KEYWORDS.get(value, ()))
        measures.register("stations.operating", _("Stations and bases in operation"), selectors.count_operating,
                          unit="家")
