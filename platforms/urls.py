from django.urls import path

from platforms import views

app_name = "platforms"
# Public, under /p/<slug>/: the platform's 規約 and how it handles personal information.
public_patterns = [
    path("terms/", views.terms, name="terms"),
    path("privacy/", views.privacy, name="privacy"),
]
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts both).
staff_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("settings/", views.settings_view, name="settings"),
]
