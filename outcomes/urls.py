from django.urls import path

from outcomes.views import campaigns, projects

app_name = "outcomes"
urlpatterns = [
    path("staff/outcomes/projects/", projects.project_list, name="projects"),
    path("staff/outcomes/projects.csv", projects.projects_csv, name="projects_csv"),
    path("staff/outcomes/projects/new/", projects.project_new, name="project_new"),
    path("staff/outcomes/projects/<uuid:uuid>/", projects.project_detail, name="project"),
    path("staff/outcomes/campaigns/", campaigns.campaign_list, name="campaigns"),
    path("staff/outcomes/campaigns/<uuid:uuid>/", campaigns.campaign_detail, name="campaign"),
]
