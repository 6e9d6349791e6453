"""Survey stations: the stations, the rounds with their codes, completion and exports, the
stations' reports, and the public answering pages."""
from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.station_list, name="list"),
]
