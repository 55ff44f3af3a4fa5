from django.urls import path

from audit import views

app_name = "audit"
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts it).
staff_patterns = [
    path("audit/", views.entry_list, name="list"),
    path("audit/export.csv", views.export_csv, name="export"),
    path("audit/mail/", views.mail_list, name="mail_list"),
    path("audit/mail/<uuid:uuid>/", views.mail_detail, name="mail_detail"),
]
