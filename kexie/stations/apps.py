from functools import partial

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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
            measures.register(f"stations.new.{value}", _("New stations: %(type)s") % {"type": label},
                              partial(selectors.count_new, station_type=value), unit="家")
        measures.register("stations.operating", _("Stations and bases in operation"), selectors.count_operating,
                          unit="家")
