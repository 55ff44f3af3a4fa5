from django.urls import path

from events.views import courses, day, figures, public, staff

app_name = "events"
# Public, under /p/<slug>/
public_patterns = [
    path("events/", public.event_list, name="list"),
    path("events/feed.ics", public.feed, name="feed"),
    path("events/<slug:event_slug>/", public.event_detail, name="detail"),
    path("events/<slug:event_slug>/register/", public.event_detail, name="register"),
    path("events/<slug:event_slug>/event.ics", public.event_ics, name="event_ics"),
    path("events/<slug:event_slug>/r/<uuid:uuid>/<str:token>/", public.manage, name="manage"),
    path("events/<slug:event_slug>/r/<uuid:uuid>/<str:token>/qr.svg", public.manage_qr, name="manage_qr"),
    path("events/<slug:event_slug>/r/<uuid:uuid>/<str:token>/feedback/", public.feedback, name="feedback"),
]
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts both)
staff_patterns = [
    path("events/", staff.event_list, name="staff_list"),
    path("events/new/", staff.event_create, name="staff_create"),
    path("events/figures/", figures.figures_page, name="figures"),
    path("events/figures.csv", figures.figures_csv, name="figures_csv"),
    path("events/<uuid:uuid>/", staff.event_detail, name="staff_event"),
    path("events/<uuid:uuid>/edit/", staff.event_edit, name="staff_edit"),
    path("events/<uuid:uuid>/status/", staff.event_status, name="staff_status"),
    path("events/<uuid:uuid>/signup/", staff.signup, name="staff_signup"),
    path("events/<uuid:uuid>/roster.csv", staff.roster_csv, name="roster_csv"),
    path("events/<uuid:uuid>/seating/", day.seating_chart, name="seating"),
    path("events/<uuid:uuid>/seating.pdf", day.seating_pdf, name="seating_pdf"),
    path("events/<uuid:uuid>/reception/", day.checkin_list, name="reception"),
    path("events/<uuid:uuid>/feedback/", day.feedback_results, name="feedback_results"),
    path("events/<uuid:uuid>/certificates.pdf", day.event_certificates, name="certificates"),
    path("registrations/<uuid:uuid>/cancel/", staff.registration_cancel, name="registration_cancel"),
    path("registrations/<uuid:uuid>/checkin/", day.checkin, name="checkin"),
    path("courses/", courses.course_list, name="courses"),
    path("courses/supporters/", courses.supporter_list, name="supporters"),
    path("courses/supporters.csv", courses.supporter_csv, name="supporters_csv"),
    path("courses/<uuid:uuid>/", courses.course_detail, name="course"),
    path("courses/<uuid:uuid>/certificates.pdf", courses.course_certificates, name="course_certificates"),
]
