"""Grassroots coverage."""
from django.urls import path

from . import views

app_name = "coverage"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.xlsx", views.export, name="export"),
    path("denominators/", views.denominators, name="denominators"),
    path("denominators/template.xlsx", views.template, name="template"),
    path("roster/", views.roster, name="roster"),
    path("roster/export.xlsx", views.roster_export, name="roster_export"),
    path("roster/new/", views.roster_add, name="roster_add"),
    path("roster/<int:pk>/end/", views.roster_end, name="roster_end"),
]
