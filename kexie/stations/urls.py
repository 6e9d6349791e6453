from django.urls import path

from . import views

app_name = "stations"

urlpatterns = [
    path("", views.station_list, name="list"),
    path("export.xlsx", views.station_export, name="export"),
    path("new/", views.station_create, name="create"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/experts/", views.expert_add, name="expert_add"),
    path("experts/<int:pk>/remove/", views.expert_remove, name="expert_remove"),
    path("<int:pk>/reports/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/evaluate/", views.report_evaluate, name="report_evaluate"),
    path("rules/<str:station_type>/", views.rules, name="rules"),
]
