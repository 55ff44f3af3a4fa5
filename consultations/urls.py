from django.urls import path

from consultations.views import cases as views_cases
from consultations.views import crisis, line, links, staff, webchat
from consultations.views import inbox as views_inbox
from consultations.views import referrals as views_referrals
from consultations.views import report as views_report

app_name = "consultations"
# Not under a platform's pages: LINE's webhook resolves its own platform (resolves_own_platform)
root_patterns = [
    path("line/<slug:platform_slug>/webhook", line.webhook, name="line_webhook"),
]
# Public, under /p/<slug>/: web chat and the tracked links of flyers and posters
public_patterns = [
    path("chat/", webchat.start, name="chat"),
    path("chat/room/", webchat.room, name="chat_room"),
    path("chat/resume/", webchat.resume, name="chat_resume"),
    path("chat/leave/", webchat.leave, name="chat_leave"),
    path("go/<slug:code>", links.go, name="go"),
]
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts all three)
staff_patterns = [
    path("consultations/desk/", staff.desk, name="desk"),
    path("consultations/hours/", staff.hours, name="hours"),
    path("consultations/hours/<uuid:uuid>/delete", staff.hours_delete, name="hours_delete"),
    path("consultations/periods/<uuid:uuid>/delete", staff.period_delete, name="period_delete"),
    path("consultations/links/", staff.links, name="links"),
    path("consultations/crisis-words/", crisis.crisis_words, name="crisis_words"),
    path(
        "consultations/crisis-words/<uuid:uuid>/delete", crisis.crisis_word_delete, name="crisis_word_delete"
    ),
    path("consultations/links/<uuid:uuid>/qr.svg", staff.link_qr, name="link_qr"),
    path("consultations/people/<uuid:uuid>/export.json", staff.person_export, name="person_export"),
    path("consultations/people/<uuid:uuid>/erase/", staff.person_erase, name="person_erase"),
    # Counsellors' inbox
    path("inbox/", views_inbox.inbox_list, name="inbox"),
    path("inbox/canned/", views_inbox.canned_list, name="canned"),
    path("inbox/canned/<uuid:uuid>/", views_inbox.canned_edit, name="canned_edit"),
    path("inbox/<uuid:uuid>/", views_inbox.conversation_detail, name="conversation"),
    path("inbox/<uuid:uuid>/consent/", views_referrals.consent_new, name="consent_new"),
    path("inbox/<uuid:uuid>/refer/", views_referrals.referral_new, name="referral_new"),
    path("inbox/<uuid:uuid>/case/", views_cases.case_new, name="case_new"),
    # Referrals (desk, secretariat, receiving members)
    path("referrals/", views_referrals.referral_list, name="referrals"),
    path("referrals/<uuid:uuid>/", views_referrals.referral_detail, name="referral"),
    # Multi-agency case conferences
    path("cases/", views_cases.case_list, name="cases"),
    path("cases/new/", views_cases.case_intake, name="case_intake"),
    path("cases/<uuid:uuid>/", views_cases.case_detail, name="case"),
    path("cases/<uuid:uuid>/export.json", views_cases.case_export, name="case_export"),
    path("cases/<uuid:uuid>/erase/", views_cases.case_erase, name="case_erase"),
    path("cases/<uuid:uuid>/referral/", views_referrals.case_referral_new, name="case_referral_new"),
    # Statistics and settings
    path("consultations/report/", views_report.report, name="report"),
    path("consultations/casework-settings/", views_report.casework_settings, name="casework_settings"),
]
