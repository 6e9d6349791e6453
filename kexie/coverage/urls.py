"""Grassroots coverage."""
from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.export, name="export"),
    path("denominators/", views.denominators, name="denominators"),
    path("denominators/template.xlsx", views.template, name="template"),
]
