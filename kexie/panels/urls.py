from django.urls import path

from . import views, views_mine

app_name = "panels"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("new/", views.round_create, name="create"),
    path("match/", views.match, name="match"),
    path("<int:pk>/", views.round_detail, name="detail"),
    path("<int:pk>/export.xlsx", views.round_export, name="export"),
    path("<int:pk>/items/", views.items_add, name="items_add"),
    path("<int:pk>/conflicts/", views.conflicts_compute, name="conflicts"),
    path("<int:pk>/draw/", views.draw_run, name="draw"),
    path("<int:pk>/draw/open/", views.draw_open, name="draw_open"),
    path("<int:pk>/draw/verify/", views.draw_verify, name="draw_verify"),
    path("<int:pk>/seats/", views.seat_add, name="seat_add"),
    path("<int:pk>/seats/invite/", views.seats_invite, name="invite"),
    path("<int:pk>/seats/respond/", views.seat_respond, name="respond"),
    path("<int:pk>/assign/", views.assignment_run, name="assign"),
    path("<int:pk>/assign/add/", views.assignment_add, name="assign_add"),
    path("<int:pk>/scores/", views.score_enter, name="score"),
    path("<int:pk>/close/", views.scoring_close, name="close"),
    path("<int:pk>/notice/", views.notice_publish, name="notice"),
    path("<int:pk>/objections/", views.objection_raise, name="objection_add"),
    path("<int:pk>/objections/handle/", views.objection_handle, name="objection_handle"),
    path("<int:pk>/decide/", views.decisions_record, name="decide"),
    # An expert's own review pages (views_mine).
    path("mine/", views_mine.mine, name="mine"),
    path("mine/seats/<int:pk>/answer/", views_mine.my_seat_respond, name="my_seat_respond"),
    path("mine/items/<int:pk>/score/", views_mine.my_score, name="my_score"),
]
