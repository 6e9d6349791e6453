"""The ledger (台账) pages and its Excel export and import of corrections."""
from django.urls import path

from . import ledger_views

app_name = "ledger"

urlpatterns = [
    path("", ledger_views.ledger_all, name="all"),
    path("export/", ledger_views.export_all, name="export"),
    path("import/", ledger_views.import_all, name="import"),
    path("import/confirm/", ledger_views.import_confirm, name="import_confirm"),
    path("plan/<int:pk>/", ledger_views.ledger_plan, name="plan"),
    path("plan/<int:pk>/export/", ledger_views.export_plan, name="plan_export"),
    path("plan/<int:pk>/import/", ledger_views.import_plan, name="plan_import"),
]
