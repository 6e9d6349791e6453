from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "kexie.awards"
    label = "awards"
    verbose_name = _("Talent nominations and awards")
