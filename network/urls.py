from django.urls import path

from network.views import accompaniment, board, cases, listings, pledge, profiles, umbrellas

app_name = "network"
urlpatterns = [
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
    path("staff/network/", board.index, name="index"),
    path("staff/network/notices/<uuid:uuid>/", board.notice, name="notice"),
    path("staff/network/notices/<uuid:uuid>/forward/", board.forward, name="forward"),
    path("staff/network/notices/<uuid:uuid>/edit/", board.edit_notice, name="edit_notice"),
    path("staff/network/notices/<uuid:uuid>/withdraw/", board.withdraw_notice, name="withdraw_notice"),
    path("staff/network/notices/<uuid:uuid>/public/", board.decide_public, name="decide_public"),
    path("staff/network/files/<uuid:uuid>/", board.attachment, name="attachment"),
    path("staff/network/files/<uuid:uuid>/delete/", board.delete_attachment, name="delete_attachment"),
    path("staff/network/grants/reminders/", board.grant_reminders, name="grant_reminders"),
    path("staff/network/umbrellas/", umbrellas.umbrellas, name="umbrellas"),
    path("staff/network/members/", profiles.members, name="members"),
    path("staff/network/members/<uuid:uuid>/", profiles.member_profile, name="member_profile"),
    path("staff/network/profile-changes/", profiles.profile_changes, name="profile_changes"),
    path("staff/network/pledge/", pledge.pledge, name="pledge"),
    path("staff/network/pledge/publish/", pledge.publish, name="pledge_publish"),
    path("staff/network/listings/", listings.listings, name="listings"),
    path("staff/network/listings/<uuid:uuid>/edit/", listings.edit_listing, name="edit_listing"),
    path("staff/network/needs/<uuid:uuid>/", listings.need, name="need"),
    path("staff/network/matches/<uuid:uuid>/", listings.match, name="match"),
    path("staff/network/cases/", cases.library, name="cases"),
    path("staff/network/cases/new/", cases.new_case, name="new_case"),
    path("staff/network/cases/<uuid:uuid>/", cases.case, name="case"),
    path("staff/network/cases/<uuid:uuid>/edit/", cases.edit_case, name="edit_case"),
    path("staff/network/accompaniment/", accompaniment.accompaniment, name="accompaniment"),
]
