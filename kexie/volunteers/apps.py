"""Science and technology volunteers (科技志愿服务): teams on the organisation tree, volunteer
profiles on person records, opportunities with roles and slots, sign-up, hours and certificates."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "kexie.volunteers"
    label = "volunteers"
    verbose_name = _("Science and technology volunteers")
