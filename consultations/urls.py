from django.urls import path

from consultations.views import line, links, staff, webchat

app_name = "consultations"
urlpatterns = [
    path("line/<slug:platform_slug>/webhook", line.webhook, name="line_webhook"),
    path("p/<slug:platform_slug>/chat/", webchat.start, name="chat"),
    path("p/<slug:platform_slug>/chat/room/", webchat.room, name="chat_room"),
    path("p/<slug:platform_slug>/chat/resume/", webchat.resume, name="chat_resume"),
    path("p/<slug:platform_slug>/chat/leave/", webchat.leave, name="chat_leave"),
    path("p/<slug:platform_slug>/go/<slug:code>", links.go, name="go"),
    path("p/<slug:platform_slug>/staff/consultations/desk/", staff.desk, name="desk"),
    path("p/<slug:platform_slug>/staff/consultations/hours/", staff.hours, name="hours"),
    path(
        "p/<slug:platform_slug>/staff/consultations/hours/<uuid:uuid>/delete",
        staff.hours_delete,
        name="hours_delete",
    ),
    path(
        "p/<slug:platform_slug>/staff/consultations/periods/<uuid:uuid>/delete",
        staff.period_delete,
        name="period_delete",
    ),
    path("p/<slug:platform_slug>/staff/consultations/links/", staff.links, name="links"),
    path(
        "p/<slug:platform_slug>/staff/consultations/links/<uuid:uuid>/qr.svg", staff.link_qr, name="link_qr"
    ),
    path(
        "p/<slug:platform_slug>/staff/consultations/people/<uuid:uuid>/export.json",
        staff.person_export,
        name="person_export",
    ),
]
