from django.urls import path

from . import views, views_mine

app_name = "panels"

urlpatterns = [
    path("", views.round_list, name="list"),
    path("<int:pk>/", views.round_detail, name="detail"),
    # An expert's own review pages (views_mine).
    path("mine/", views_mine.mine, name="mine"),
    path("mine/seats/<int:pk>/answer/", views_mine.my_seat_respond, name="my_seat_respond"),
    path("mine/items/<int:pk>/score/", views_mine.my_score, name="my_score"),
]
