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

        # The demands the account filed and its open-call applications, on the S&T worker's home page.
        from kexie.accounts.home import register_section

        from .home import my_applications, my_demands

        register_section("demands.mine", _("My demands"), my_demands, order=50, more_url_name="demands:mine")
        register_section("demands.applications", _("My open-call applications"), my_applications, order=55,
                         more_url_name="demands:my_applications")
