from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import BasePermission
from rest_framework.routers import SimpleRouter

from kexie.activities import api as activities_api
from kexie.dashboard import api as dashboard_api
from kexie.demands import api as demands_api
from kexie.evaluation import api as evaluation_api
from kexie.notifications import api as notifications_api
from kexie.people import api as people_api
from kexie.plans import alignment_api
from kexie.proposals import api as proposals_api
from kexie.selection import api as selection_api
from kexie.societies import api as societies_api
from kexie.stations import api as stations_api
from kexie.surveys import api as surveys_api
from kexie.tracking import api as tracking_api
from kexie.tracking import api_supervision
from kexie.visits import api as visits_api
from kexie.volunteers import api as volunteers_api

from . import awards, panels, plans, views

app_name = "api"

class IdRouter(SimpleRouter):
    """Detail routes take ids of 1 to 18 digits: a longer number is no id (ids are 64-bit
    integers) and must not reach the database, where SQLite refuses it with a server error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._default_value_pattern = "[0-9]{1,18}"


router = IdRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("users", views.UserViewSet, basename="user")
router.register("roles", views.RoleViewSet, basename="role")
router.register("audit-logs", views.AuditLogViewSet, basename="auditlog")
router.register("login-logs", views.LoginLogViewSet, basename="loginlog")
router.register("plans", plans.PlanViewSet, basename="plan")
router.register("plan-imports", plans.PlanImportViewSet, basename="planimport")
router.register("ledger", plans.LedgerViewSet, basename="ledger")
router.register("plan-alignments", alignment_api.PlanAlignmentViewSet, basename="planalignment")
router.register("item-alignments", alignment_api.ItemAlignmentViewSet, basename="itemalignment")
router.register("reporting-cycles", tracking_api.CycleViewSet, basename="reportingcycle")
router.register("progress-reports", tracking_api.ReportViewSet, basename="progressreport")
router.register("task-snapshots", tracking_api.SnapshotViewSet, basename="tasksnapshot")
router.register("deferral-requests", tracking_api.DeferralViewSet, basename="deferralrequest")
router.register("supervision-notices", api_supervision.NoticeViewSet, basename="supervisionnotice")
router.register("instructions", api_supervision.InstructionViewSet, basename="instruction")
router.register("rubrics", evaluation_api.RubricViewSet, basename="rubric")
router.register("evaluations", evaluation_api.EvaluationViewSet, basename="evaluation")
router.register("leaderboard", evaluation_api.LeaderboardViewSet, basename="leaderboard")
router.register("selection-rounds", selection_api.SelectionRoundViewSet, basename="selectionround")
router.register("society-flags", selection_api.SocietyFlagViewSet, basename="societyflag")
router.register("societies", societies_api.SocietyViewSet, basename="society")
router.register("annual-reports", societies_api.AnnualReportViewSet, basename="annualreport")
router.register("persons", people_api.PersonViewSet, basename="person")
router.register("expert-entries", people_api.ExpertEntryViewSet, basename="expertentry")
router.register("review-rounds", panels.ReviewRoundViewSet, basename="reviewround")
router.register("award-calls", awards.AwardCallViewSet, basename="awardcall")
# The service apps add their own routes.
for _app_api in (demands_api, stations_api, visits_api, proposals_api, activities_api, volunteers_api):
    _app_api.register(router)
surveys_api.register(router)

class DocsPermission(BasePermission):
    """The schema and the docs page: public in development, for signed-in users in production
    (``KEXIE_API_DOCS_PUBLIC``)."""

    def has_permission(self, request, view):
        return settings.API_DOCS_PUBLIC or bool(request.user and request.user.is_authenticated)


class SchemaView(SpectacularAPIView):
    permission_classes = [DocsPermission]


class DocsView(SpectacularSwaggerSplitView):
    """The split view serves its start-up script as a file: no inline script for the CSP to
    refuse. A visitor who must sign in is sent to the sign-in page rather than shown an error."""

    permission_classes = [DocsPermission]

    def permission_denied(self, request, message=None, code=None):
        if not request.user.is_authenticated and request.GET.get("script") is None:
            raise _SignInFirst
        super().permission_denied(request, message=message, code=code)

    def handle_exception(self, exc):
        if isinstance(exc, _SignInFirst):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


class _SignInFirst(Exception):
    pass


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/auth/token/", views.TokenView.as_view(), name="token"),
    path("v1/dashboard/", dashboard_api.DashboardView.as_view(), name="dashboard"),
    path("v1/notifications/", notifications_api.NotificationListView.as_view(), name="notification-list"),
    path("v1/notifications/<int:pk>/read/", notifications_api.NotificationReadView.as_view(),
         name="notification-read"),
    path("v1/", include(router.urls)),
]
