from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("export.csv", views.export_csv, name="export"),
    path("mail/", views.mail_list, name="mail_list"),
    path("mail/<uuid:uuid>/", views.mail_detail, name="mail_detail"),
]
