"""Supervision pages: notices (督办单) and leaders' instructions (批示)."""
from django.urls import path

from . import supervision_views as views

app_name = "supervision"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("export/", views.notice_export, name="export"),
    path("<int:pk>/", views.notice_detail, name="detail"),
    path("<int:pk>/print/", views.notice_print, name="print"),
    path("<int:pk>/notice.docx", views.notice_download, name="docx"),
    path("<int:pk>/reply/", views.notice_reply, name="reply"),
    path("<int:pk>/close/", views.notice_close, name="close"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("tasks/<int:item_pk>/issue/", views.notice_issue, name="issue"),
    path("tasks/<int:item_pk>/instruct/", views.instruction_add, name="instruction_add"),
    path("instructions/", views.instruction_list, name="instructions"),
]
