from django.urls import path

from gaps.views import coverage, touch_points

app_name = "gaps"

# The pages kept their addresses under staff/directory/ when gap analysis became its own app.
DIRECTORY = "directory/"

# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts it)
staff_patterns = [
    # 棚卸し・ギャップ分析
    path(DIRECTORY + "coverage/", coverage.coverage_matrix, name="coverage"),
    path(DIRECTORY + "coverage/export.csv", coverage.coverage_csv, name="coverage_csv"),
    path(DIRECTORY + "coverage/export.xlsx", coverage.coverage_xlsx, name="coverage_xlsx"),
    path(DIRECTORY + "touch-points/", touch_points.touch_point_matrix, name="touch_points"),
    path(DIRECTORY + "touch-points/export.csv", touch_points.touch_points_csv, name="touch_points_csv"),
    path(DIRECTORY + "touch-points/export.xlsx", touch_points.touch_points_xlsx, name="touch_points_xlsx"),
    path(DIRECTORY + "touch-points/<uuid:uuid>/", touch_points.touch_point_detail, name="touch_point"),
    path(
        DIRECTORY + "touch-points/departments/<uuid:uuid>/",
        touch_points.department_detail,
        name="touch_department",
    ),
    path(DIRECTORY + "touch-points/signals/<uuid:uuid>/", touch_points.signal_detail, name="touch_signal"),
]
