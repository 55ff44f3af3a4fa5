from django.urls import path

from gaps.views import coverage, touch_points

app_name = "gaps"

# The pages kept their addresses under staff/directory/ when gap analysis became its own app.
STAFF = "p/<slug:platform_slug>/staff/directory/"

urlpatterns = [
    # 棚卸し・ギャップ分析
    path(STAFF + "coverage/", coverage.coverage_matrix, name="coverage"),
    path(STAFF + "coverage/export.csv", coverage.coverage_csv, name="coverage_csv"),
    path(STAFF + "coverage/export.xlsx", coverage.coverage_xlsx, name="coverage_xlsx"),
    path(STAFF + "touch-points/", touch_points.touch_point_matrix, name="touch_points"),
    path(STAFF + "touch-points/export.csv", touch_points.touch_points_csv, name="touch_points_csv"),
    path(STAFF + "touch-points/export.xlsx", touch_points.touch_points_xlsx, name="touch_points_xlsx"),
    path(STAFF + "touch-points/<uuid:uuid>/", touch_points.touch_point_detail, name="touch_point"),
    path(
        STAFF + "touch-points/departments/<uuid:uuid>/",
        touch_points.department_detail,
        name="touch_department",
    ),
    path(STAFF + "touch-points/signals/<uuid:uuid>/", touch_points.signal_detail, name="touch_signal"),
]
