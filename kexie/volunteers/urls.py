"""Science and technology volunteers."""
from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("", views.team_list, name="list"),
]
