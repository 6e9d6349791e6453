"""Survey stations: the stations, the rounds with their codes, completion and exports, the
stations' reports, and the public answering pages."""
from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.station_list, name="list"),
    path("new/", views.station_create, name="create"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/report/", views.station_report, name="report"),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/status/", views.round_status, name="round_status"),
    path("rounds/<int:pk>/stations/", views.round_station, name="round_station"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("rounds/<int:pk>/export.xlsx", views.round_export, name="round_export"),
    path("participations/<int:pk>/", views.participation_detail, name="participation"),
    path("participations/<int:pk>/codes/", views.codes_generate, name="codes_generate"),
    path("participations/<int:pk>/hand-out/", views.code_hand_out, name="code_hand_out"),
    path("participations/<int:pk>/codes.xlsx", views.codes_export, name="codes_export"),
    # An investigator's own stations and codes (an account linked to an investigator's person record).
    path("mine/", views.my_stations, name="mine"),
    path("mine/<int:pk>/codes.xlsx", views.my_codes_export, name="my_codes_export"),
    # Public: a respondent answers with a code, without an account.
    path("answer/", views.answer, name="answer"),
    path("answer/thanks/", views.answer_done, name="answer_done"),
]
