from django.urls import path

from directory import api
from directory.navigator import views as navigator
from directory.views import services, sheet, support_list

app_name = "directory"

# Not per platform: the HSDS 3.0 API of every public platform together
root_patterns = [
    path("hsds/", api.aggregate_api.urls),
]

# Public, under /p/<slug>/
public_patterns = [
    # HSDS 3.0 API of this platform
    path("hsds/", api.platform_api.urls),
    # サポートリスト (public PDF; the secretariat chooses categories, order, size and fallback window)
    path("support-list.pdf", support_list.support_list_pdf, name="support_list_pdf"),
    # Resident navigator: /p/<slug>/ (home), search, services/<uuid>/, guide/, map/
    path("", navigator.home, name="home"),
    path("search", navigator.search, name="search"),
    path("services/<uuid:uuid>/", navigator.service_page, name="service_page"),
    path("guide/", navigator.guide, name="guide"),
    path("map/", navigator.service_map, name="map"),
]

# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts all three)
D = "directory/"
staff_patterns = [
    # 支援・相談窓口 (staff): list, detail, edit or propose, review, 情報交換・共有シート
    path(D + "services/", services.service_list, name="services"),
    path(D + "services/new/", services.service_new, name="service_new"),
    path(D + "services/<uuid:uuid>/", services.service_detail, name="service"),
    path(D + "services/<uuid:uuid>/edit/", services.service_edit, name="service_edit"),
    path(D + "changes/", services.change_list, name="changes"),
    path(D + "changes/<uuid:uuid>/", services.change_detail, name="change"),
    path(D + "sheet/", sheet.sheet_upload, name="sheet"),
    path(D + "sheet/template.xlsx", sheet.sheet_template, name="sheet_template"),
    path(D + "sheet/<uuid:uuid>/", sheet.sheet_preview, name="sheet_preview"),
    path(D + "sheet/jobs/<uuid:uuid>/", sheet.sheet_job, name="sheet_job"),
    path(D + "support-list/", support_list.support_list_settings, name="support_list_settings"),
]
