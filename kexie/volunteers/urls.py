"""Science and technology volunteers (科技志愿服务)."""
from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    # staff
    path("", views.team_list, name="list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/add/", views.member_add, name="member_add"),
    path("volunteers/", views.volunteer_list, name="volunteers"),
    path("volunteers/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path("volunteers/<int:pk>/certificate.pdf", views.volunteer_certificate, name="volunteer_certificate"),
    path("opportunities/", views.opportunity_list, name="opportunities"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/roles/add/", views.role_add, name="role_add"),
    path("opportunities/<int:pk>/signups/add/", views.signup_add, name="signup_add"),
    path("opportunities/<int:pk>/status/", views.opportunity_status, name="opportunity_status"),
    path("opportunities/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("signups/<int:pk>/check/", views.check, name="check"),
    path("signups/<int:pk>/cancel/", views.signup_cancel, name="signup_cancel"),
    path("hours/", views.hours_queue, name="hours"),
    path("hours/<int:pk>/decide/", views.hours_decide, name="hours_decide"),
    path("report/", views.report, name="report"),
    path("report/export.xlsx", views.report_export, name="report_export"),
    # the volunteer's own pages
    path("open/", views.board, name="board"),
    path("open/roles/<int:pk>/signup/", views.my_signup, name="my_signup"),
    path("mine/", views.mine, name="mine"),
    path("mine/signups/<int:pk>/cancel/", views.my_cancel, name="my_cancel"),
    path("mine/report/", views.my_report, name="my_report"),
    path("mine/certificate.pdf", views.my_certificate, name="my_certificate"),
]
