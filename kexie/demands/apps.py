from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "kexie.demands"
    label = "demands"
    verbose_name = _("Enterprise demands and open calls")
