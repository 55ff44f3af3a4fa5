from django.urls import path

from governance.views import bodies, meetings, planner, public, written

app_name = "governance"
# Public, under /p/<slug>/
public_patterns = [
    # The response form and the ballot from the mails (signed links), the archive
    path("governance/respond/<str:token>/", public.respond, name="respond"),
    path("governance/ballot/<str:token>/", written.ballot, name="ballot"),
    path("governance/minutes/", public.archive, name="archive"),
    path("governance/minutes/<uuid:uuid>.pdf", public.archive_pdf, name="archive_pdf"),
]
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts both)
staff_patterns = [
    path("governance/", bodies.index, name="index"),
    path("governance/simulate", meetings.simulate, name="simulate"),
    path("governance/decisions.csv", bodies.decisions_csv, name="decisions_csv"),
    path("governance/bylaws/", bodies.bylaws, name="bylaws"),
    path("governance/bylaws/articles/<uuid:uuid>/amend/", bodies.article_amend, name="article_amend"),
    path("governance/bodies/new/", bodies.body_new, name="body_new"),
    path("governance/bodies/<uuid:uuid>/", bodies.body_detail, name="body"),
    path("governance/bodies/<uuid:uuid>/rules/", bodies.body_rules, name="body_rules"),
    path("governance/bodies/<uuid:uuid>/seats.csv", bodies.seats_csv, name="seats_csv"),
    path("governance/bodies/<uuid:uuid>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("governance/bodies/<uuid:uuid>/written/new/", written.written_new, name="written_new"),
    path("governance/meetings/<uuid:uuid>/", meetings.meeting_detail, name="meeting"),
    path("governance/meetings/<uuid:uuid>/live/", meetings.live, name="live"),
    path("governance/items/<uuid:uuid>/", meetings.item_votes, name="item"),
    path("governance/meetings/<uuid:uuid>/minutes/", meetings.minutes_edit, name="minutes"),
    path("governance/meetings/<uuid:uuid>/minutes.pdf", meetings.minutes_pdf, name="minutes_pdf"),
    path("governance/meetings/<uuid:uuid>/minutes.docx", meetings.minutes_docx, name="minutes_docx"),
    path("governance/written/<uuid:uuid>/", written.written_detail, name="written"),
    path("governance/plans/", planner.plans, name="plans"),
    path("governance/plans/<uuid:uuid>/", planner.plan_detail, name="plan"),
]
