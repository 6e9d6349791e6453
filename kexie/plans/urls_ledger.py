from django.urls import path

from . import ledger_views

app_name = "ledger"

urlpatterns = []
