from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "成果（実証事業・広報・効果検証）"

    def ready(self) -> None:
        from accounts import permissions
        from audit import labels
        from platforms import staffnav

        labels.register(
            {
                "outcomes.project_saved": _("実証事業の保存"),
                "outcomes.cost_added": _("実証事業の費用の追加"),
                "outcomes.kpi_added": _("KPIの追加"),
                "outcomes.measured": _("KPIの測定値の記録"),
                "outcomes.campaign_saved": _("広報キャンペーンの作成"),
                "outcomes.media_imported": _("媒体別実績の取り込み"),
            }
        )

        permissions.register(
            {
                "outcomes.view": permissions.SECRETARIAT_OR_VIEWER,  # projects, KPIs, campaigns
                "outcomes.manage": permissions.SECRETARIAT,  # record projects, costs, measurements, imports
            }
        )
        staffnav.register(
            staffnav.NavItem(
                "outcomes",
                _("実証事業"),
                "outcomes:projects",
                order=10,
                active=("outcomes:project", "outcomes:project_new"),
            ),
            staffnav.NavItem(
                "outcomes",
                _("広報キャンペーン"),
                "outcomes:campaigns",
                order=20,
                active=("outcomes:campaign",),
            ),
        )
