from django.urls import path

from platforms import views

app_name = "platforms"
urlpatterns = [
    path("staff/", views.dashboard, name="dashboard"),
    path("staff/settings/", views.settings_view, name="settings"),
    # Public: the platform's 規約 and how it handles personal information.
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy, name="privacy"),
]
