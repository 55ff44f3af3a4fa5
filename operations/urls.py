from django.urls import path

from operations.views import status

app_name = "operations"

urlpatterns = [
    path("staff/operations/", status.status, name="status"),
]
