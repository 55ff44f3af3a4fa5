from django.urls import path

from partnership.views import councils, join, members, register, rollup, screening, self_service

app_name = "partnership"
# Public, under /p/<slug>/
public_patterns = [
    path("join/", join.join, name="join"),
    path("join/done/", join.join_done, name="join_done"),
    path("members/", register.register, name="register"),
]
# Staff, under /p/<slug>/staff/ (tsunagari/urls.py mounts both)
staff_patterns = [
    # Prefecture: its municipalities' platforms, counts only
    path("rollup/", rollup.rollup, name="rollup"),
    # Secretariat: screening
    path("applications/", screening.application_list, name="applications"),
    path("applications/<uuid:uuid>/", screening.application_detail, name="application"),
    # Staff: members
    path("members/", members.member_list, name="members"),
    path("members/export.csv", members.export_csv, name="members_csv"),
    path("members/export.xlsx", members.export_xlsx, name="members_xlsx"),
    path("members/<uuid:uuid>/", members.member_detail, name="member"),
    path("members/<uuid:uuid>/expel/", members.expel, name="expel"),
    path("members/<uuid:uuid>/withdraw/", members.withdraw, name="withdraw"),
    path("changes/", members.pending_changes, name="changes"),
    path("changes/<uuid:uuid>/", members.change_detail, name="change"),
    path("withdrawals/<uuid:uuid>/", members.withdrawal_detail, name="withdrawal"),
    path("tiers/", members.tiers, name="tiers"),
    # Member staff: their own organisation
    path("my-organisation/", self_service.my_organisation, name="my_organisation"),
    path("my-organisation/change/", self_service.change_request, name="my_change"),
    path("my-organisation/withdraw/", self_service.withdrawal, name="my_withdrawal"),
    # Core-partner finder (Ichihara)
    path("councils/", councils.council_list, name="councils"),
    path("councils/<uuid:uuid>/", councils.council_detail, name="council"),
    path("core-partners/", councils.core_partners, name="core_partners"),
]
