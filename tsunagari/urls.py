"""The site's URLs: every app mounted the same way.

An app's ``urls.py`` sets ``app_name`` and up to three lists, by where they are mounted:

- ``public_patterns``: the platform's public pages, under ``/p/<slug>/``;
- ``staff_patterns``: its staff pages, under ``/p/<slug>/staff/`` (the platform middleware asks
  for a sign-in and a role on the platform there, see ``accounts.middleware``);
- ``root_patterns``: the few URLs that are not a platform's page (signing in, the all-platform
  HSDS API, LINE's webhook).

The platform prefix and the staff prefix are written here only; the app's patterns neither repeat
them nor receive the slug (the middleware resolves it into ``request.platform``). Each app keeps one
namespace (``<app_name>:<name>``), so its three lists are mounted in one include: Django reverses a
namespace through a single include, and the URL names are an interface like the paths
(``tsunagari/tests/test_url_interface.py``).
"""

from types import ModuleType

from django.contrib import admin
from django.urls import URLResolver, include, path

import accounts.urls
import audit.urls
import consultations.urls
import directory.urls
import events.urls
import gaps.urls
import governance.urls
import mailings.urls
import network.urls
import operations.urls
import outcomes.urls
import partnership.urls
import platforms.urls
import surveys.urls
from operations.views.health import healthz
from tsunagari import views

PLATFORM = "p/<slug:platform_slug>/"
STAFF = "staff/"


def mount(app_urls: ModuleType) -> URLResolver:
    """One app's URLs in its namespace: root, then public under PLATFORM, staff under PLATFORM + STAFF."""
    platform = [*getattr(app_urls, "public_patterns", [])]
    staff = getattr(app_urls, "staff_patterns", [])
    if staff:
        platform.append(path(STAFF, include(staff)))
    patterns = [*getattr(app_urls, "root_patterns", [])]
    if platform:
        patterns.append(path(PLATFORM, include(platform)))
    return path("", include((patterns, app_urls.app_name)))


urlpatterns = [
    path("", views.index, name="index"),
    path("healthz", healthz, name="healthz"),
    # First of the apps: LINE's webhook (/line/<slug>/webhook) is the busiest machine URL, and
    # each include tried before it slows both resolves of every one of its requests.
    mount(consultations.urls),
    path("admin/", admin.site.urls),
    mount(accounts.urls),
    mount(platforms.urls),
    mount(partnership.urls),
    mount(governance.urls),
    mount(audit.urls),
    # Resource directory: public HSDS API, navigator, support list, and the all-platform /hsds/.
    mount(directory.urls),
    mount(gaps.urls),
    mount(surveys.urls),
    mount(events.urls),
    mount(network.urls),
    mount(outcomes.urls),
    mount(mailings.urls),
    mount(operations.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "tsunagari.errors.bad_request"
handler403 = "tsunagari.errors.permission_denied"
handler404 = "tsunagari.errors.page_not_found"
handler500 = "tsunagari.errors.server_error"
