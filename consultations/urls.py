from django.urls import path

from consultations.views import line, webchat

app_name = "consultations"
urlpatterns = [
    path("line/<slug:platform_slug>/webhook", line.webhook, name="line_webhook"),
    path("p/<slug:platform_slug>/chat/", webchat.start, name="chat"),
    path("p/<slug:platform_slug>/chat/room/", webchat.room, name="chat_room"),
    path("p/<slug:platform_slug>/chat/resume/", webchat.resume, name="chat_resume"),
    path("p/<slug:platform_slug>/chat/leave/", webchat.leave, name="chat_leave"),
]
