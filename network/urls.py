from django.urls import path

from network.views import accompaniment, board, cases, listings, pledge

app_name = "network"
urlpatterns = [
    path("network/", board.public_board, name="public"),
    path("staff/network/", board.index, name="index"),
    path("staff/network/notices/<uuid:uuid>/forward/", board.forward, name="forward"),
    path("staff/network/pledge/", pledge.pledge, name="pledge"),
    path("staff/network/listings/", listings.listings, name="listings"),
    path("staff/network/needs/<uuid:uuid>/", listings.need, name="need"),
    path("staff/network/matches/<uuid:uuid>/", listings.match, name="match"),
    path("staff/network/cases/", cases.library, name="cases"),
    path("staff/network/cases/<uuid:uuid>/", cases.case, name="case"),
    path("staff/network/accompaniment/", accompaniment.accompaniment, name="accompaniment"),
]
