from django.urls import path

from consultations.views import cases as views_cases
from consultations.views import crisis, line, links, staff, webchat
from consultations.views import inbox as views_inbox
from consultations.views import referrals as views_referrals
from consultations.views import report as views_report

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
        "p/<slug:platform_slug>/staff/consultations/crisis-words/", crisis.crisis_words, name="crisis_words"
    ),
    path(
        "p/<slug:platform_slug>/staff/consultations/crisis-words/<uuid:uuid>/delete",
        crisis.crisis_word_delete,
        name="crisis_word_delete",
    ),
    path(
        "p/<slug:platform_slug>/staff/consultations/links/<uuid:uuid>/qr.svg", staff.link_qr, name="link_qr"
    ),
    path(
        "p/<slug:platform_slug>/staff/consultations/people/<uuid:uuid>/export.json",
        staff.person_export,
        name="person_export",
    ),
    path(
        "p/<slug:platform_slug>/staff/consultations/people/<uuid:uuid>/erase/",
        staff.person_erase,
        name="person_erase",
    ),
    # Counsellors' inbox
    path("p/<slug:platform_slug>/staff/inbox/", views_inbox.inbox_list, name="inbox"),
    path("p/<slug:platform_slug>/staff/inbox/canned/", views_inbox.canned_list, name="canned"),
    path(
        "p/<slug:platform_slug>/staff/inbox/canned/<uuid:uuid>/", views_inbox.canned_edit, name="canned_edit"
    ),
    path(
        "p/<slug:platform_slug>/staff/inbox/<uuid:uuid>/",
        views_inbox.conversation_detail,
        name="conversation",
    ),
    path(
        "p/<slug:platform_slug>/staff/inbox/<uuid:uuid>/consent/",
        views_referrals.consent_new,
        name="consent_new",
    ),
    path(
        "p/<slug:platform_slug>/staff/inbox/<uuid:uuid>/refer/",
        views_referrals.referral_new,
        name="referral_new",
    ),
    path("p/<slug:platform_slug>/staff/inbox/<uuid:uuid>/case/", views_cases.case_new, name="case_new"),
    # Referrals (desk, secretariat, receiving members)
    path("p/<slug:platform_slug>/staff/referrals/", views_referrals.referral_list, name="referrals"),
    path(
        "p/<slug:platform_slug>/staff/referrals/<uuid:uuid>/",
        views_referrals.referral_detail,
        name="referral",
    ),
    # Multi-agency case conferences
    path("p/<slug:platform_slug>/staff/cases/", views_cases.case_list, name="cases"),
    path("p/<slug:platform_slug>/staff/cases/new/", views_cases.case_intake, name="case_intake"),
    path("p/<slug:platform_slug>/staff/cases/<uuid:uuid>/", views_cases.case_detail, name="case"),
    path(
        "p/<slug:platform_slug>/staff/cases/<uuid:uuid>/export.json",
        views_cases.case_export,
        name="case_export",
    ),
    path("p/<slug:platform_slug>/staff/cases/<uuid:uuid>/erase/", views_cases.case_erase, name="case_erase"),
    path(
        "p/<slug:platform_slug>/staff/cases/<uuid:uuid>/referral/",
        views_referrals.case_referral_new,
        name="case_referral_new",
    ),
    # Statistics and settings
    path("p/<slug:platform_slug>/staff/consultations/report/", views_report.report, name="report"),
    path(
        "p/<slug:platform_slug>/staff/consultations/casework-settings/",
        views_report.casework_settings,
        name="casework_settings",
    ),
]
