from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("campaigns/<int:pk>/close/", views.campaign_close, name="campaign_close"),
    path("submit/", views.submit, name="submit"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/valuate/", views.valuate, name="valuate"),
    path("submissions/<int:pk>/notes/", views.note_add, name="note_add"),
    path("submissions/<int:pk>/decide/", views.decide, name="decide"),
    path("submissions/<int:pk>/instruction/", views.instruct, name="instruct"),
    path("submissions/<int:pk>/adoption/", views.adopt, name="adopt"),
    path("submissions/<int:pk>/send/", views.submission_send, name="submission_send"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/new/", views.bulletin_create, name="bulletin_create"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/entries/", views.bulletin_entries, name="bulletin_entries"),
    path("bulletins/<int:pk>/issue/", views.bulletin_issue, name="bulletin_issue"),
    path("bulletins/<int:pk>/send/", views.bulletin_send, name="bulletin_send"),
    path("bulletins/<int:pk>/document.docx", views.bulletin_docx, name="bulletin_docx"),
    path("sendings/<int:pk>/instruction/", views.sending_instruct, name="sending_instruct"),
    path("studies/", views.study_list, name="studies"),
    path("studies/new/", views.study_create, name="study_create"),
    path("studies/<int:pk>/", views.study_detail, name="study"),
    path("studies/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("studies/<int:pk>/report/", views.study_report, name="study_report"),
    path("mine/", views.mine, name="mine"),
    path("mine/submit/", views.my_submit, name="my_submit"),
]
