from django.urls import path

from . import views

app_name = "tracking"

urlpatterns = [
    path("tasks/<int:item_pk>/", views.task, name="task"),
    path("tasks/<int:item_pk>/report/", views.report_file, name="report_file"),
    path("tasks/<int:item_pk>/targets/<int:pk>/measure/", views.target_measure, name="target_measure"),
    path("tasks/<int:item_pk>/deferral/", views.deferral_create, name="deferral_create"),
    path("tasks/<int:item_pk>/cascade/", views.cascade, name="cascade"),
    path("filing/", views.filing, name="filing"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/accept/", views.reviews_accept, name="reviews_accept"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("deferrals/", views.deferrals, name="deferrals"),
    path("deferrals/<int:pk>/approve/", views.deferral_approve, name="deferral_approve"),
    path("deferrals/<int:pk>/reject/", views.deferral_reject, name="deferral_reject"),
    path("plans/<int:pk>/", views.plan_tracking, name="plan"),
    path("plans/<int:pk>/schedule/", views.plan_schedule, name="plan_schedule"),
    path("plans/<int:pk>/thresholds/", views.plan_thresholds, name="plan_thresholds"),
    path("cycles/<int:pk>/", views.cycle, name="cycle"),
]
