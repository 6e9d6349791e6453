"""Science and technology volunteers."""
from django.urls import path  # noqa: F401

app_name = "volunteers"

urlpatterns: list = []
