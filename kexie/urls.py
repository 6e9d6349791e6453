from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language

from kexie.core import errors, health
from kexie.workbench import views as workbench_views

urlpatterns = [
    path("", workbench_views.home, name="home"),
    path("favicon.ico", errors.favicon, name="favicon"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("kexie.accounts.urls")),
    path("organizations/", include("kexie.organizations.urls")),
    path("audit/", include("kexie.audit.urls")),
    path("plans/", include("kexie.plans.urls")),
    path("ledger/", include("kexie.plans.urls_ledger")),
    path("dashboard/", include("kexie.dashboard.urls")),
    path("notifications/", include("kexie.notifications.urls")),
    path("tracking/", include("kexie.tracking.urls")),
    path("supervision/", include("kexie.tracking.urls_supervision")),
    path("societies/", include("kexie.societies.urls")),
    path("evaluation/", include("kexie.evaluation.urls")),
    path("selection/", include("kexie.selection.urls")),
    path("people/", include("kexie.people.urls")),
    path("panels/", include("kexie.panels.urls")),
    path("awards/", include("kexie.awards.urls")),
    path("demands/", include("kexie.demands.urls")),
    path("stations/", include("kexie.stations.urls")),
    path("activities/", include("kexie.activities.urls")),
    path("coverage/", include("kexie.coverage.urls")),
    path("volunteers/", include("kexie.volunteers.urls")),
    path("surveys/", include("kexie.surveys.urls")),
    path("visits/", include("kexie.visits.urls")),
    path("proposals/", include("kexie.proposals.urls")),
    path("api/", include("kexie.api.urls")),
]

handler404 = errors.page_not_found

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
