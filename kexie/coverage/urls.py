"""Grassroots coverage."""

app_name = "coverage"

urlpatterns = []
