from django.urls import path

from partnership.views import councils, join, members, register, rollup, screening, self_service

app_name = "partnership"
urlpatterns = [
    # Public
    path("join/", join.join, name="join"),
    path("join/done/", join.join_done, name="join_done"),
    path("members/", register.register, name="register"),
    # Prefecture: its municipalities' platforms, counts only
    path("staff/rollup/", rollup.rollup, name="rollup"),
    # Secretariat: screening
    path("staff/applications/", screening.application_list, name="applications"),
    path("staff/applications/<uuid:uuid>/", screening.application_detail, name="application"),
    # Staff: members
    path("staff/members/", members.member_list, name="members"),
    path("staff/members/export.csv", members.export_csv, name="members_csv"),
    path("staff/members/export.xlsx", members.export_xlsx, name="members_xlsx"),
    path("staff/members/<uuid:uuid>/", members.member_detail, name="member"),
    path("staff/members/<uuid:uuid>/expel/", members.expel, name="expel"),
    path("staff/members/<uuid:uuid>/withdraw/", members.withdraw, name="withdraw"),
    path("staff/changes/", members.pending_changes, name="changes"),
    path("staff/changes/<uuid:uuid>/", members.change_detail, name="change"),
    path("staff/withdrawals/<uuid:uuid>/", members.withdrawal_detail, name="withdrawal"),
    path("staff/tiers/", members.tiers, name="tiers"),
    # Member staff: their own organisation
    path("staff/my-organisation/", self_service.my_organisation, name="my_organisation"),
    path("staff/my-organisation/change/", self_service.change_request, name="my_change"),
    path("staff/my-organisation/withdraw/", self_service.withdrawal, name="my_withdrawal"),
    # Core-partner finder (Ichihara)
    path("staff/councils/", councils.council_list, name="councils"),
    path("staff/councils/<uuid:uuid>/", councils.council_detail, name="council"),
    path("staff/core-partners/", councils.core_partners, name="core_partners"),
]
