"""Society evaluation pages (/evaluation/)."""
from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("rubrics/new/", views.rubric_create, name="rubric_create"),
    path("rubrics/<int:pk>/", views.rubric_detail, name="rubric"),
    path("rubrics/<int:pk>/edit/", views.rubric_edit, name="rubric_edit"),
    path("rubrics/<int:pk>/freeze/", views.rubric_action, {"action": "freeze"}, name="rubric_freeze"),
    path("rubrics/<int:pk>/new-version/", views.rubric_action, {"action": "new_version"}, name="rubric_new_version"),
    path("rubrics/<int:pk>/evaluate/", views.rubric_action, {"action": "evaluate"}, name="rubric_evaluate"),
    path("rubrics/<int:pk>/finalise/", views.rubric_action, {"action": "finalise"}, name="rubric_finalise"),
    path("rubrics/<int:pk>/publish/", views.rubric_action, {"action": "publish"}, name="rubric_publish"),
    path("rubrics/<int:pk>/reviewers/", views.reviewers, name="reviewers"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/self-score/", views.self_score, name="self_score"),
    path("evaluations/<int:pk>/review/", views.review, name="review"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("leaderboards/<int:pk>/", views.leaderboard, name="leaderboard"),
    path("leaderboards/<int:pk>/export/", views.leaderboard_export, name="leaderboard_export"),
]
