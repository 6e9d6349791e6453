from django.urls import path

from . import views

app_name = "societies"

urlpatterns = [
    path("", views.society_list, name="list"),
    path("export/", views.society_export, name="export"),
    path("new/", views.society_create, name="create"),
    path("new/<int:org_pk>/", views.profile_create, name="profile_create"),
    path("<int:pk>/", views.society_detail, name="detail"),
    path("<int:pk>/edit/", views.society_edit, name="edit"),
    path("<int:pk>/terms/", views.term_create, name="term_create"),
    path("<int:pk>/journals/", views.journal_add, name="journal_add"),
    path("<int:pk>/journals/<int:journal_pk>/delete/", views.journal_delete, name="journal_delete"),
    path("<int:pk>/members/", views.member_add, name="member_add"),
    path("<int:pk>/members/<int:member_pk>/delete/", views.member_delete, name="member_delete"),
    path("<int:pk>/inspections/", views.inspection_add, name="inspection_add"),
    path("<int:pk>/reachable/", views.reachable, name="reachable"),
    path("reports/mine/", views.my_reports, name="my_reports"),
    path("<int:pk>/reports/<int:year>/", views.report_form, name="report_form"),
    path("reports/", views.review_queue, name="review_queue"),
    path("reports/export/", views.reports_export, name="reports_export"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("rounds/", views.round_open, name="round_open"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("reports/import/", views.import_upload, name="import"),
    path("reports/import/template/", views.import_template, name="import_template"),
    path("reports/import/confirm/", views.import_confirm, name="import_confirm"),
]
