from django.urls import path

from surveys.views import results, weighting

app_name = "surveys"
urlpatterns = [
    # Staff: results and exports (issue 6, item 5)
    path("p/<slug:platform_slug>/staff/surveys/<uuid:uuid>/results/", results.results, name="results"),
    path(
        "p/<slug:platform_slug>/staff/surveys/<uuid:uuid>/results/crosstab/",
        results.crosstab_view,
        name="crosstab",
    ),
    path(
        "p/<slug:platform_slug>/staff/surveys/<uuid:uuid>/results/free-text/",
        results.free_text,
        name="free_text",
    ),
    path(
        "p/<slug:platform_slug>/staff/surveys/<uuid:uuid>/results/aggregates.csv",
        results.export_csv,
        name="results_csv",
    ),
    path(
        "p/<slug:platform_slug>/staff/surveys/<uuid:uuid>/results/tables.xlsx",
        results.export_xlsx,
        name="results_xlsx",
    ),
    path(
        "p/<slug:platform_slug>/staff/surveys/<uuid:uuid>/results/report.pdf",
        results.export_pdf,
        name="results_pdf",
    ),
    # Staff: weighting (issue 6, item 4)
    path(
        "p/<slug:platform_slug>/staff/surveys/<uuid:uuid>/weighting/", weighting.weighting, name="weighting"
    ),
]
