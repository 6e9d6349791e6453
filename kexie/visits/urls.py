from django.urls import path

from . import views

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("teams/<int:pk>/members/", views.member_add, name="member_add"),
    path("members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("new/", views.visit_create, name="visit_create"),
    path("<int:pk>/", views.visit_detail, name="visit_detail"),
    path("<int:pk>/follow-up/", views.followup_done, name="followup_done"),
    path("contacts/", views.contacts, name="contacts"),
    path("contacts/new/", views.duty_create, name="duty_create"),
    path("contacts/<int:pk>/log/", views.contact_log, name="contact_log"),
    path("contacts/<int:pk>/reassign/", views.duty_reassign, name="duty_reassign"),
    path("contacts/<int:pk>/close/", views.duty_close, name="duty_close"),
    path("visits.xlsx", views.visits_export, name="export"),
]
