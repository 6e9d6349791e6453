"""一流学会 selection rounds and "四个一批" flags."""
from django.urls import path

from . import views

app_name = "selection"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_create, name="round_create"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/advance/", views.round_advance, name="round_advance"),
    path("<int:pk>/panel/", views.panel_add, name="panel_add"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("<int:pk>/objections/", views.objection_add, name="objection_add"),
    path("objections/<int:pk>/handle/", views.objection_handle, name="objection_handle"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/evaluation/", views.application_evaluation, name="application_evaluation"),
    path("applications/<int:pk>/score/", views.score, name="score"),
    path("applications/<int:pk>/recuse/", views.recuse, name="recuse"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("reviews/", views.my_reviews, name="my_reviews"),
    path("flags/", views.flag_list, name="flags"),
    path("flags/export/", views.flag_export, name="flags_export"),
    path("flags/compute/", views.flags_compute, name="flags_compute"),
    path("flags/<int:pk>/", views.flag_detail, name="flag_detail"),
]
