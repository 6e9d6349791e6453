"""Science and technology volunteers (科技志愿服务): teams on the organisation tree, volunteer
profiles on person records, opportunities with roles and slots, sign-up, hours and certificates."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VolunteersConfig(AppConfig):
    name = "kexie.volunteers"
    label = "volunteers"
    verbose_name = _("Science and technology volunteers")

    def ready(self):
        # Plan targets ("志愿服务时长10万小时", "注册志愿者活跃人数") count from the hours ledger.
        from kexie.accounts.home import register_section
        from kexie.plans import measures

        from . import home, selectors

        measures.register("volunteers.hours", pgettext_lazy("volunteer measure", "Volunteer service hours"),
                          selectors.measure_hours, unit="小时", keywords=("志愿服务时长", "志愿服务小时", "服务时长"))
        measures.register("volunteers.active", pgettext_lazy("volunteer measure", "Active volunteers"),
                          selectors.measure_active, unit="人", keywords=("志愿者", "科技志愿者"))
        register_section("volunteers", _("My volunteer service"), home.items, order=60,
                         more_url_name="volunteers:mine", summary=home.summary)
