from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    name = "kexie.panels"
    label = "panels"
    verbose_name = _("Review panels")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The account's own panel seats and items to score, on the S&T worker's home page.
        from kexie.accounts.home import register_section

        from .home import my_reviews, summary

        register_section("panels.reviews", _("My reviews"), my_reviews, order=20, more_url_name="panels:mine",
                         summary=summary)
