from django.urls import path

from operations.views import status

app_name = "operations"
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts it).
staff_patterns = [
    path("operations/", status.status, name="status"),
]
