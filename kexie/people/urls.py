from django.urls import path

from . import views, views_picker

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("pick/", views_picker.pick, name="pick"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/unmask/", views.person_unmask, name="unmask"),
    path("<int:pk>/relations/", views.relation_add, name="relation_add"),
    path("<int:pk>/experts/", views.entry_add, name="entry_add"),
    path("<int:pk>/account/link/", views.account_link, name="account_link"),
    path("<int:pk>/account/unlink/", views.account_unlink, name="account_unlink"),
    path("<int:pk>/account/invite/", views.account_invite, name="account_invite"),
    path("import/", views.import_upload, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/confirm/", views.import_confirm, name="import_confirm"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("merge/", views.merge, name="merge"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("libraries/", views.library_list, name="libraries"),
    path("libraries/<int:pk>/", views.library_detail, name="library"),
    path("libraries/<int:pk>/export/", views.library_export, name="library_export"),
    path("libraries/<int:pk>/import/", views.library_import, name="library_import"),
    path("libraries/experts/<int:pk>/", views.entry_detail, name="entry"),
    path("libraries/experts/<int:pk>/edit/", views.entry_edit, name="entry_edit"),
    path("libraries/experts/<int:pk>/status/", views.entry_status, name="entry_status"),
    path("libraries/experts/<int:pk>/works/", views.works_import, name="works_import"),
    path("libraries/experts/<int:pk>/reviews/", views.review_add, name="review_add"),
]
