from django.urls import path

from governance.views import bodies, meetings, planner, public, written

app_name = "governance"
urlpatterns = [
    # Public: the response form and the ballot from the mails (signed links), the archive
    path("governance/respond/<str:token>/", public.respond, name="respond"),
    path("governance/ballot/<str:token>/", written.ballot, name="ballot"),
    path("governance/minutes/", public.archive, name="archive"),
    path("governance/minutes/<uuid:uuid>.pdf", public.archive_pdf, name="archive_pdf"),
    # Staff
    path("staff/governance/", bodies.index, name="index"),
    path("staff/governance/simulate", meetings.simulate, name="simulate"),
    path("staff/governance/decisions.csv", bodies.decisions_csv, name="decisions_csv"),
    path("staff/governance/bylaws/", bodies.bylaws, name="bylaws"),
    path("staff/governance/bylaws/articles/<uuid:uuid>/amend/", bodies.article_amend, name="article_amend"),
    path("staff/governance/bodies/new/", bodies.body_new, name="body_new"),
    path("staff/governance/bodies/<uuid:uuid>/", bodies.body_detail, name="body"),
    path("staff/governance/bodies/<uuid:uuid>/rules/", bodies.body_rules, name="body_rules"),
    path("staff/governance/bodies/<uuid:uuid>/seats.csv", bodies.seats_csv, name="seats_csv"),
    path("staff/governance/bodies/<uuid:uuid>/meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("staff/governance/bodies/<uuid:uuid>/written/new/", written.written_new, name="written_new"),
    path("staff/governance/meetings/<uuid:uuid>/", meetings.meeting_detail, name="meeting"),
    path("staff/governance/meetings/<uuid:uuid>/live/", meetings.live, name="live"),
    path("staff/governance/items/<uuid:uuid>/", meetings.item_votes, name="item"),
    path("staff/governance/meetings/<uuid:uuid>/minutes/", meetings.minutes_edit, name="minutes"),
    path("staff/governance/meetings/<uuid:uuid>/minutes.pdf", meetings.minutes_pdf, name="minutes_pdf"),
    path("staff/governance/meetings/<uuid:uuid>/minutes.docx", meetings.minutes_docx, name="minutes_docx"),
    path("staff/governance/written/<uuid:uuid>/", written.written_detail, name="written"),
    path("staff/governance/plans/", planner.plans, name="plans"),
    path("staff/governance/plans/<uuid:uuid>/", planner.plan_detail, name="plan"),
]
