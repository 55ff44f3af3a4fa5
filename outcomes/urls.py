from django.urls import path

from outcomes.views import campaigns, dashboard, editing, flyers, projects, report

app_name = "outcomes"
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts it)
staff_patterns = [
    path("outcomes/", dashboard.dashboard_page, name="dashboard"),
    path("outcomes/dashboard.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("outcomes/dashboard.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("outcomes/comparison/", dashboard.comparison_page, name="comparison"),
    path("outcomes/comparison.csv", dashboard.comparison_csv, name="comparison_csv"),
    path("outcomes/report/", report.report_page, name="report"),
    path("outcomes/report.pdf", report.report_pdf, name="report_pdf"),
    path("outcomes/report.docx", report.report_docx, name="report_docx"),
    path("outcomes/open-data.json", report.open_data_json, name="open_data_json"),
    path("outcomes/open-data.csv", report.open_data_csv, name="open_data_csv"),
    path("outcomes/open-data-schema.json", report.open_data_schema, name="open_data_schema"),
    path("outcomes/projects/", projects.project_list, name="projects"),
    path("outcomes/projects.csv", projects.projects_csv, name="projects_csv"),
    path("outcomes/projects.xlsx", projects.projects_xlsx, name="projects_xlsx"),
    path("outcomes/projects/import/", projects.projects_import, name="projects_import"),
    path("outcomes/projects/new/", projects.project_new, name="project_new"),
    path("outcomes/projects/<uuid:uuid>/", projects.project_detail, name="project"),
    path("outcomes/projects/<uuid:uuid>/edit/", editing.project_edit, name="project_edit"),
    path("outcomes/projects/<uuid:uuid>/delete/", editing.project_delete, name="project_delete"),
    path("outcomes/costs/<uuid:uuid>/", editing.cost_edit, name="cost_edit"),
    path("outcomes/kpis/<uuid:uuid>/", editing.kpi_edit, name="kpi_edit"),
    path(
        "outcomes/measurements/<uuid:uuid>/delete/",
        editing.measurement_delete,
        name="measurement_delete",
    ),
    path("outcomes/undo/", editing.undo, name="undo"),
    path("outcomes/campaigns/", campaigns.campaign_list, name="campaigns"),
    path("outcomes/campaigns/<uuid:uuid>/", campaigns.campaign_detail, name="campaign"),
    path("outcomes/campaigns/<uuid:uuid>/edit/", editing.campaign_edit, name="campaign_edit"),
    path("outcomes/campaigns/<uuid:uuid>/links/", campaigns.campaign_links, name="campaign_links"),
    path("outcomes/flyers/", flyers.flyer_list, name="flyers"),
    path("outcomes/flyers/<uuid:uuid>/", flyers.flyer_detail, name="flyer"),
    path("outcomes/flyers/<uuid:uuid>/flyer.pdf", flyers.flyer_pdf, name="flyer_pdf"),
]
