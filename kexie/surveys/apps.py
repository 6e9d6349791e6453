"""Survey stations for the condition of S&T workers (科技工作者状况调查站点): stations under the
tree, survey rounds with questionnaires defined as data, quotas, one-time response codes, answers
on a phone without an account, completion per station and level, station reports."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "kexie.surveys"
    label = "surveys"
    verbose_name = _("Survey stations")
