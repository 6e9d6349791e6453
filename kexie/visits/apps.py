from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "kexie.visits"
    label = "visits"
    verbose_name = _("Expert service teams and visits")
