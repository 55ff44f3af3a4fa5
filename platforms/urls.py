from django.urls import path

from platforms import views

app_name = "platforms"
urlpatterns = [
    path("staff/", views.dashboard, name="dashboard"),
    path("staff/rollup/", views.rollup, name="rollup"),
    path("staff/settings/", views.settings_view, name="settings"),
]
