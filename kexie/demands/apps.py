from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "kexie.demands"
    label = "demands"
    verbose_name = _("Enterprise demands and open calls")

    def ready(self):
        # A station's "demands collected" entry fact is counted from the demands it collected
        # (Demand.station) rather than read from its annual report.
        from kexie.stations import facts

        from . import station_facts

        facts.register_provider("demands_collected", _("Demands collected"), station_facts.demands_collected,
                                default=0)
