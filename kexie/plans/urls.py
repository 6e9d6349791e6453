from django.urls import path

from . import alignment_views, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/export.json", views.export_json, name="export_json"),
    path("<int:pk>/source/", views.source_file, name="source_file"),
    path("<int:pk>/revise/", views.revise, name="revise"),
    path("<int:pk>/alignment/", alignment_views.alignment_screen, name="alignment"),
    path("<int:pk>/alignment/accept/", alignment_views.alignment_accept, name="alignment_accept"),
    path("<int:pk>/alignment/items/<int:item_pk>/", alignment_views.alignment_decide, name="alignment_decide"),
    path("<int:pk>/alignment/items/<int:item_pk>/search/", alignment_views.alignment_search,
         name="alignment_search"),
    path("<int:pk>/alignment/coverage/", alignment_views.alignment_coverage, name="alignment_coverage"),
    path("<int:pk>/alignment/coverage/export/", alignment_views.alignment_coverage_export,
         name="alignment_coverage_export"),
    path("import/", views.import_start, name="import"),
    path("import/<int:pk>/", views.review, name="review"),
    path("import/<int:pk>/edit/", views.review_edit, name="review_edit"),
    path("import/<int:pk>/metadata/", views.review_metadata, name="review_metadata"),
    path("import/<int:pk>/units/", views.review_map_unit, name="review_map_unit"),
    path("import/<int:pk>/units/suggestions/", views.review_accept_suggestions, name="review_accept_suggestions"),
    path("import/<int:pk>/confirm/", views.review_confirm, name="review_confirm"),
    path("import/<int:pk>/discard/", views.review_discard, name="review_discard"),
]
