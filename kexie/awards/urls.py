from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/nominations.xlsx", views.nominations_export, name="export"),
]
