from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "kexie.awards"
    label = "awards"
    verbose_name = _("Talent nominations and awards")

    def ready(self):
        # The nominations naming the account's own person, on the S&T worker's home page.
        from kexie.accounts.home import register_section

        from .home import my_nominations

        register_section("awards.nominations", _("My nominations"), my_nominations, order=30)
