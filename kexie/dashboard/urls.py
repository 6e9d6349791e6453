from django.urls import path

from . import pack_views, views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("export/<str:part>.xlsx", views.export, name="export"),
    path("meeting-pack.docx", pack_views.meeting_pack_docx, name="meeting_pack_docx"),
    path("meeting-pack.xlsx", pack_views.meeting_pack_xlsx, name="meeting_pack_xlsx"),
]
