from django.urls import path

from outcomes.views import campaigns, dashboard, editing, flyers, projects, report

app_name = "outcomes"
urlpatterns = [
    path("staff/outcomes/", dashboard.dashboard_page, name="dashboard"),
    path("staff/outcomes/dashboard.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("staff/outcomes/dashboard.xlsx", dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("staff/outcomes/comparison/", dashboard.comparison_page, name="comparison"),
    path("staff/outcomes/comparison.csv", dashboard.comparison_csv, name="comparison_csv"),
    path("staff/outcomes/report/", report.report_page, name="report"),
    path("staff/outcomes/report.pdf", report.report_pdf, name="report_pdf"),
    path("staff/outcomes/report.docx", report.report_docx, name="report_docx"),
    path("staff/outcomes/open-data.json", report.open_data_json, name="open_data_json"),
    path("staff/outcomes/open-data.csv", report.open_data_csv, name="open_data_csv"),
    path("staff/outcomes/open-data-schema.json", report.open_data_schema, name="open_data_schema"),
    path("staff/outcomes/projects/", projects.project_list, name="projects"),
    path("staff/outcomes/projects.csv", projects.projects_csv, name="projects_csv"),
    path("staff/outcomes/projects.xlsx", projects.projects_xlsx, name="projects_xlsx"),
    path("staff/outcomes/projects/import/", projects.projects_import, name="projects_import"),
    path("staff/outcomes/projects/new/", projects.project_new, name="project_new"),
    path("staff/outcomes/projects/<uuid:uuid>/", projects.project_detail, name="project"),
    path("staff/outcomes/projects/<uuid:uuid>/edit/", editing.project_edit, name="project_edit"),
    path("staff/outcomes/projects/<uuid:uuid>/delete/", editing.project_delete, name="project_delete"),
    path("staff/outcomes/costs/<uuid:uuid>/", editing.cost_edit, name="cost_edit"),
    path("staff/outcomes/kpis/<uuid:uuid>/", editing.kpi_edit, name="kpi_edit"),
    path(
        "staff/outcomes/measurements/<uuid:uuid>/delete/",
        editing.measurement_delete,
        name="measurement_delete",
    ),
    path("staff/outcomes/undo/", editing.undo, name="undo"),
    path("staff/outcomes/campaigns/", campaigns.campaign_list, name="campaigns"),
    path("staff/outcomes/campaigns/<uuid:uuid>/", campaigns.campaign_detail, name="campaign"),
    path("staff/outcomes/campaigns/<uuid:uuid>/edit/", editing.campaign_edit, name="campaign_edit"),
    path("staff/outcomes/campaigns/<uuid:uuid>/links/", campaigns.campaign_links, name="campaign_links"),
    path("staff/outcomes/flyers/", flyers.flyer_list, name="flyers"),
    path("staff/outcomes/flyers/<uuid:uuid>/", flyers.flyer_detail, name="flyer"),
    path("staff/outcomes/flyers/<uuid:uuid>/flyer.pdf", flyers.flyer_pdf, name="flyer_pdf"),
]
