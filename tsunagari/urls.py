from django.contrib import admin
from django.urls import include, path

from operations.views.health import healthz
from tsunagari import views

urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", healthz, name="healthz"),
    # First of the apps: LINE's webhook (/line/<slug>/webhook) is the busiest machine URL, and
    # each include tried before it slows both resolves of every one of its requests.
    path("", include("consultations.urls")),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("p/<slug:platform_slug>/", include("platforms.urls")),
    path("p/<slug:platform_slug>/", include("partnership.urls")),
    path("p/<slug:platform_slug>/", include("governance.urls")),
    path("p/<slug:platform_slug>/staff/audit/", include("audit.urls")),
    # Resource directory: public HSDS API, navigator, support list (directory/urls.py routes both
    # the per-platform paths under /p/<slug>/ and the all-platform /hsds/ aggregate).
    path("", include("directory.urls")),
    path("", include("gaps.urls")),
    path("", include("surveys.urls")),
    path("p/<slug:platform_slug>/", include("events.urls")),
    path("p/<slug:platform_slug>/", include("network.urls")),
    path("p/<slug:platform_slug>/", include("outcomes.urls")),
    path("p/<slug:platform_slug>/", include("mailings.urls")),
    path("p/<slug:platform_slug>/", include("operations.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "tsunagari.errors.bad_request"
handler403 = "tsunagari.errors.permission_denied"
handler404 = "tsunagari.errors.page_not_found"
handler500 = "tsunagari.errors.server_error"
