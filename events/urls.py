from django.urls import path

from events.views import courses, day, figures, public, staff

app_name = "events"
urlpatterns = [
    # Public
    path("events/", public.event_list, name="list"),
    path("events/feed.ics", public.feed, name="feed"),
    path("events/<slug:event_slug>/", public.event_detail, name="detail"),
    path("events/<slug:event_slug>/register/", public.event_detail, name="register"),
    path("events/<slug:event_slug>/event.ics", public.event_ics, name="event_ics"),
    path("events/<slug:event_slug>/r/<uuid:uuid>/<str:token>/", public.manage, name="manage"),
    path("events/<slug:event_slug>/r/<uuid:uuid>/<str:token>/qr.svg", public.manage_qr, name="manage_qr"),
    path("events/<slug:event_slug>/r/<uuid:uuid>/<str:token>/feedback/", public.feedback, name="feedback"),
    # Staff
    path("staff/events/", staff.event_list, name="staff_list"),
    path("staff/events/new/", staff.event_create, name="staff_create"),
    path("staff/events/figures/", figures.figures_page, name="figures"),
    path("staff/events/figures.csv", figures.figures_csv, name="figures_csv"),
    path("staff/events/<uuid:uuid>/", staff.event_detail, name="staff_event"),
    path("staff/events/<uuid:uuid>/edit/", staff.event_edit, name="staff_edit"),
    path("staff/events/<uuid:uuid>/status/", staff.event_status, name="staff_status"),
    path("staff/events/<uuid:uuid>/signup/", staff.signup, name="staff_signup"),
    path("staff/events/<uuid:uuid>/roster.csv", staff.roster_csv, name="roster_csv"),
    path("staff/events/<uuid:uuid>/seating/", day.seating_chart, name="seating"),
    path("staff/events/<uuid:uuid>/seating.pdf", day.seating_pdf, name="seating_pdf"),
    path("staff/events/<uuid:uuid>/reception/", day.checkin_list, name="reception"),
    path("staff/events/<uuid:uuid>/feedback/", day.feedback_results, name="feedback_results"),
    path("staff/events/<uuid:uuid>/certificates.pdf", day.event_certificates, name="certificates"),
    path("staff/registrations/<uuid:uuid>/cancel/", staff.registration_cancel, name="registration_cancel"),
    path("staff/registrations/<uuid:uuid>/checkin/", day.checkin, name="checkin"),
    path("staff/courses/", courses.course_list, name="courses"),
    path("staff/courses/supporters/", courses.supporter_list, name="supporters"),
    path("staff/courses/supporters.csv", courses.supporter_csv, name="supporters_csv"),
    path("staff/courses/<uuid:uuid>/", courses.course_detail, name="course"),
    path(
        "staff/courses/<uuid:uuid>/certificates.pdf", courses.course_certificates, name="course_certificates"
    ),
]
