from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    name = "kexie.panels"
    label = "panels"
    verbose_name = _("Review panels")
    default_auto_field = "django.db.models.BigAutoField"
