from django.urls import path

from . import views

app_name = "panels"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("<int:pk>/", views.round_detail, name="detail"),
]
