from django.urls import path

from audit.views import entries, outbox

app_name = "audit"
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts it).
staff_patterns = [
    path("audit/", entries.entry_list, name="list"),
    path("audit/export.csv", entries.export_csv, name="export"),
    path("audit/mail/", outbox.mail_list, name="mail_list"),
    path("audit/mail/<uuid:uuid>/", outbox.mail_detail, name="mail_detail"),
]
