from django.urls import include, path

from directory import api
from directory.views import services, sheet, support_list

app_name = "directory"

P = "p/<slug:platform_slug>/"
STAFF = P + "staff/directory/"

urlpatterns = [
    # HSDS 3.0 API: one platform, and every public platform together
    path(P + "hsds/", api.platform_api.urls),
    path("hsds/", api.aggregate_api.urls),
    # 支援・相談窓口 (staff): list, detail, edit or propose, review, 情報交換・共有シート
    path(STAFF + "services/", services.service_list, name="services"),
    path(STAFF + "services/new/", services.service_new, name="service_new"),
    path(STAFF + "services/<uuid:uuid>/", services.service_detail, name="service"),
    path(STAFF + "services/<uuid:uuid>/edit/", services.service_edit, name="service_edit"),
    path(STAFF + "changes/", services.change_list, name="changes"),
    path(STAFF + "changes/<uuid:uuid>/", services.change_detail, name="change"),
    path(STAFF + "sheet/", sheet.sheet_upload, name="sheet"),
    path(STAFF + "sheet/template.xlsx", sheet.sheet_template, name="sheet_template"),
    path(STAFF + "sheet/<uuid:uuid>/", sheet.sheet_preview, name="sheet_preview"),
    path(STAFF + "sheet/jobs/<uuid:uuid>/", sheet.sheet_job, name="sheet_job"),
    # サポートリスト (public PDF; the secretariat chooses categories, order, size and fallback window)
    path(P + "support-list.pdf", support_list.support_list_pdf, name="support_list_pdf"),
    path(STAFF + "support-list/", support_list.support_list_settings, name="support_list_settings"),
    # Resident navigator: /p/<slug>/ (home), search, services/<uuid>/, guide/, map/.
    path(P, include("directory.navigator.urls")),
]
