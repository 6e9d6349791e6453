from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "kexie.people"
    label = "people"
    verbose_name = _("People and experts")
    default_auto_field = "django.db.models.BigAutoField"
