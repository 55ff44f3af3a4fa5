from django.urls import path

from mailings.views import public, staff

app_name = "mailings"
# Public, under /p/<slug>/
public_patterns = [
    path("mail/", public.index, name="index"),
    path("mail/confirm/<uuid:uuid>/<str:token>/", public.confirm, name="confirm"),
    path("mail/unsubscribe/<uuid:uuid>/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path("mail/preferences/<uuid:uuid>/<str:token>/", public.preferences, name="preferences"),
    path("mail/<slug:list_slug>/", public.list_page, name="list"),
    path("mail/<slug:list_slug>/<int:number>/", public.archive_issue, name="archive_issue"),
]
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts both)
staff_patterns = [
    path("mailings/", staff.list_index, name="staff_index"),
    path("mailings/<uuid:uuid>/", staff.list_detail, name="staff_list"),
    path("mailings/<uuid:uuid>/new/", staff.issue_create, name="staff_issue_create"),
    path("mailings/<uuid:uuid>/subscribers.csv", staff.subscribers_csv, name="subscribers_csv"),
    path("mailings/issues/<uuid:uuid>/", staff.issue_detail, name="staff_issue"),
]
