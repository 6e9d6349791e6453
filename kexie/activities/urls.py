"""Academic and popular-science activities."""

app_name = "activities"

urlpatterns = []
