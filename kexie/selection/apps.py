from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "kexie.selection"
    label = "selection"
    verbose_name = _("First-class society selection and four-batch review")
