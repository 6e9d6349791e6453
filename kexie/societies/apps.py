from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocietiesConfig(AppConfig):
    name = "kexie.societies"
    verbose_name = _("Societies")
