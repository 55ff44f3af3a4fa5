from django.urls import path

from platforms.views import dashboard, public, rules

app_name = "platforms"
# Public, under /p/<slug>/: the platform's 規約 and how it handles personal information.
public_patterns = [
    path("terms/", public.terms, name="terms"),
    path("privacy/", public.privacy, name="privacy"),
]
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts both).
staff_patterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("settings/", rules.settings_view, name="settings"),
]
