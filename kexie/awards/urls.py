from django.urls import path

from . import views

app_name = "awards"

urlpatterns = [
    path("", views.call_list, name="list"),
    path("new/", views.call_create, name="create"),
    path("<int:pk>/", views.call_detail, name="detail"),
    path("<int:pk>/channels/", views.channel_set, name="channel_set"),
    path("<int:pk>/open/", views.call_open, name="open"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/formal-close/", views.formal_close, name="formal_close"),
    path("nominations/<int:pk>/check/", views.formal_check, name="formal_check"),
    path("<int:pk>/review/", views.review_start, name="review_start"),
    path("<int:pk>/notice/", views.notice_start, name="notice"),
    path("<int:pk>/winners/", views.winners_decide, name="winners"),
    path("<int:pk>/followups/", views.followups_plan, name="followups_plan"),
    path("followups/<int:pk>/submit/", views.followup_submit, name="followup_submit"),
    path("followups/<int:pk>/review/", views.followup_review, name="followup_review"),
    path("<int:pk>/nominations.xlsx", views.nominations_export, name="export"),
]
