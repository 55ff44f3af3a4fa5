from django.urls import path

from consultations.views import line

app_name = "consultations"
urlpatterns = [
    path("line/<slug:platform_slug>/webhook", line.webhook, name="line_webhook"),
]
