"""Academic and popular-science activities."""
from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("export.xlsx", views.activity_export, name="export"),
    path("new/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:pk>/held/", views.activity_held, name="held"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("rollup/", views.rollup, name="rollup"),
    path("rollup/export.xlsx", views.rollup_export, name="rollup_export"),
]

# Registration, tickets and check-in (kexie.activities.registration).
from . import views_registration as vr  # noqa: E402

urlpatterns += [
    path("registration/", vr.open_list, name="open"),
    path("<int:pk>/register/", vr.register, name="register"),
    path("registration/mine/", vr.my_registrations, name="my_registrations"),
    path("registration/mine/<int:pk>/cancel/", vr.my_cancel, name="my_cancel"),
    path("registration/mine/<int:pk>/certificate.pdf", vr.my_certificate, name="my_certificate"),
    path("<int:pk>/registrations/", vr.registrations, name="registrations"),
    path("<int:pk>/registrations/settings/", vr.registration_settings, name="registration_settings"),
    path("<int:pk>/registrations/new/", vr.register_for, name="register_for"),
    path("registrations/<int:pk>/cancel/", vr.registration_cancel, name="registration_cancel"),
    path("<int:pk>/checkin/", vr.checkin, name="checkin"),
    path("<int:pk>/checkin/scan/", vr.checkin_scan, name="checkin_scan"),
    path("<int:pk>/checkin/sync/", vr.checkin_sync, name="checkin_sync"),
    path("<int:pk>/checkin/roster.json", vr.checkin_roster, name="checkin_roster"),
    path("<int:pk>/roster/", vr.roster, name="roster"),
    path("<int:pk>/roster.xlsx", vr.roster_export, name="roster_export"),
    path("<int:pk>/roster/tick/", vr.list_checkin, name="list_checkin"),
    path("<int:pk>/certificates.pdf", vr.certificates, name="certificates"),
]

# Calls for abstracts (kexie.activities.abstracts) and the calendar (kexie.activities.ical).
from . import views_abstracts as va  # noqa: E402
from . import views_ical  # noqa: E402

urlpatterns += [
    path("<int:pk>/abstracts/", va.call_detail, name="abstract_call"),
    path("<int:pk>/abstracts/open/", va.call_open, name="abstract_call_open"),
    path("<int:pk>/abstracts/close/", va.call_close, name="abstract_call_close"),
    path("<int:pk>/abstracts/review/", va.review_send, name="abstract_review_send"),
    path("abstracts/<int:pk>/", va.submission_detail, name="abstract_detail"),
    path("abstracts/<int:pk>/decide/", va.submission_decide, name="abstract_decide"),
    path("abstracts/mine/", va.my_abstracts, name="my_abstracts"),
    path("abstracts/calls/<int:pk>/submit/", va.my_submit, name="my_abstract_submit"),
    path("calendar.ics", views_ical.feed, name="ical"),
    path("<int:pk>/calendar.ics", views_ical.activity_ics, name="activity_ics"),
]
