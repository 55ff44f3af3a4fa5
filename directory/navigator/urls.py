"""Resident navigator routes, included under /p/<platform_slug>/ by directory/urls.py."""

from django.urls import path

from directory.navigator import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("services/<uuid:uuid>/", views.service_page, name="service_page"),
    path("guide/", views.guide, name="guide"),
    path("map/", views.service_map, name="map"),
]
