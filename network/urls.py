from django.urls import path

from network.views import accompaniment, board, cases, listings, pledge, profiles, umbrellas

app_name = "network"
# Public, under /p/<slug>/
public_patterns = [
    path("network/", board.public_board, name="public"),
    path("network/files/<uuid:uuid>/", board.public_attachment, name="public_attachment"),
    path("network/members/", profiles.public_members, name="public_members"),
    path(
        "network/forwarded/<uuid:uuid>/<uuid:recipient>/<str:token>/",
        board.forwarded_file,
        name="forwarded_file",
    ),
    path("network/unsubscribe/<uuid:uuid>/<str:token>/", board.unsubscribe, name="unsubscribe"),
    path(
        "network/grants/unsubscribe/<uuid:uuid>/<str:token>/",
        board.grant_unsubscribe,
        name="grant_unsubscribe",
    ),
]
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts both)
staff_patterns = [
    path("network/", board.index, name="index"),
    path("network/notices/<uuid:uuid>/", board.notice, name="notice"),
    path("network/notices/<uuid:uuid>/forward/", board.forward, name="forward"),
    path("network/notices/<uuid:uuid>/edit/", board.edit_notice, name="edit_notice"),
    path("network/notices/<uuid:uuid>/withdraw/", board.withdraw_notice, name="withdraw_notice"),
    path("network/notices/<uuid:uuid>/public/", board.decide_public, name="decide_public"),
    path("network/files/<uuid:uuid>/", board.attachment, name="attachment"),
    path("network/files/<uuid:uuid>/delete/", board.delete_attachment, name="delete_attachment"),
    path("network/grants/reminders/", board.grant_reminders, name="grant_reminders"),
    path("network/umbrellas/", umbrellas.umbrellas, name="umbrellas"),
    path("network/members/", profiles.members, name="members"),
    path("network/members/<uuid:uuid>/", profiles.member_profile, name="member_profile"),
    path("network/profile-changes/", profiles.profile_changes, name="profile_changes"),
    path("network/pledge/", pledge.pledge, name="pledge"),
    path("network/pledge/publish/", pledge.publish, name="pledge_publish"),
    path("network/listings/", listings.listings, name="listings"),
    path("network/listings/<uuid:uuid>/edit/", listings.edit_listing, name="edit_listing"),
    path("network/needs/<uuid:uuid>/", listings.need, name="need"),
    path("network/matches/<uuid:uuid>/", listings.match, name="match"),
    path("network/cases/", cases.library, name="cases"),
    path("network/cases/new/", cases.new_case, name="new_case"),
    path("network/cases/<uuid:uuid>/", cases.case, name="case"),
    path("network/cases/<uuid:uuid>/edit/", cases.edit_case, name="edit_case"),
    path("network/accompaniment/", accompaniment.accompaniment, name="accompaniment"),
]
