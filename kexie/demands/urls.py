"""Technical demands of enterprises (技术需求) and open calls (揭榜挂帅)."""

from django.urls import path

from . import views, views_enterprise, views_funnel

app_name = "demands"

urlpatterns = [
    path("", views.demand_list, name="list"),
    path("list.xlsx", views.demand_list_export, name="list_export"),
    path("new/", views.demand_create, name="create"),
    path("<int:pk>/", views.demand_detail, name="detail"),
    path("<int:pk>/accept/", views.demand_accept, name="accept"),
    path("<int:pk>/return/", views.demand_return, name="return"),
    path("<int:pk>/merge/", views.demand_merge, name="merge"),
    path("<int:pk>/match/", views.demand_match, name="match"),
    path("<int:pk>/release/", views.candidates_release, name="release"),
    path("<int:pk>/publish/", views.demand_publish, name="publish"),
    path("<int:pk>/review/", views.review_start, name="review"),
    path("<int:pk>/choose/", views.application_choose, name="choose"),
    path("<int:pk>/staff/", views.demand_set_staff, name="set_staff"),
    path("applications/<int:pk>/check/", views.application_check, name="app_check"),
    path("milestones/<int:pk>/report/", views.milestone_report, name="milestone_report"),
    path("milestones/<int:pk>/accept/", views.milestone_accept, name="milestone_accept"),
    path("funnel/", views_funnel.funnel, name="funnel"),
    path("funnel.xlsx", views_funnel.funnel_export, name="funnel_export"),
    # An enterprise contact's own demands, and the open-call board of every signed-in person.
    path("mine/", views_enterprise.my_demands, name="mine"),
    path("mine/new/", views_enterprise.my_new, name="my_new"),
    path("mine/<int:pk>/", views_enterprise.my_detail, name="my_detail"),
    path("board/", views_enterprise.board, name="board"),
    path("board/<int:pk>/", views_enterprise.board_detail, name="board_detail"),
    path("board/<int:pk>/apply/", views_enterprise.apply, name="apply"),
    # The team's own applications; the chosen team reports its milestones there.
    path("applications/mine/", views_enterprise.my_applications, name="my_applications"),
    path("applications/milestones/<int:pk>/report/", views_enterprise.team_report, name="team_report"),
]
