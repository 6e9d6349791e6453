from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from kexie.tracking import api as tracking_api

from . import plans, views

app_name = "api"

router = SimpleRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("users", views.UserViewSet, basename="user")
router.register("roles", views.RoleViewSet, basename="role")
router.register("audit-logs", views.AuditLogViewSet, basename="auditlog")
router.register("login-logs", views.LoginLogViewSet, basename="loginlog")
router.register("plans", plans.PlanViewSet, basename="plan")
router.register("plan-imports", plans.PlanImportViewSet, basename="planimport")
router.register("ledger", plans.LedgerViewSet, basename="ledger")
router.register("reporting-cycles", tracking_api.CycleViewSet, basename="reportingcycle")
router.register("progress-reports", tracking_api.ReportViewSet, basename="progressreport")
router.register("task-snapshots", tracking_api.SnapshotViewSet, basename="tasksnapshot")
router.register("deferral-requests", tracking_api.DeferralViewSet, basename="deferralrequest")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/auth/token/", views.TokenView.as_view(), name="token"),
    path("v1/", include(router.urls)),
]
