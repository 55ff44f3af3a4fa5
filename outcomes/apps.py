from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "成果（実証事業・広報・効果検証）"

    def ready(self) -> None:
        from accounts import permissions
        from audit import labels
        from outcomes import figures
        from platforms import staffnav

        figures.register_builtin()
        labels.register(
            {
                "outcomes.project_saved": _("実証事業の保存"),
                "outcomes.project_deleted": _("実証事業の削除"),
                "outcomes.cost_added": _("実証事業の費用の追加"),
                "outcomes.cost_updated": _("実証事業の費用の修正"),
                "outcomes.cost_deleted": _("実証事業の費用の削除"),
                "outcomes.kpi_added": _("KPIの追加"),
                "outcomes.kpi_updated": _("KPIの修正"),
                "outcomes.kpi_deleted": _("KPIの削除"),
                "outcomes.measured": _("KPIの測定値の記録"),
                "outcomes.measurement_deleted": _("KPIの測定値の削除"),
                "outcomes.campaign_saved": _("広報キャンペーンの作成"),
                "outcomes.campaign_updated": _("広報キャンペーンの修正"),
                "outcomes.campaign_deleted": _("広報キャンペーンの削除"),
                "outcomes.media_imported": _("媒体別実績の取り込み"),
                "outcomes.media_linked": _("媒体と計測リンクの対応づけ"),
                "outcomes.projects_imported": _("実証事業一覧の取り込み"),
                "outcomes.restored": _("削除した成果データの復元"),
                "outcomes.flyer_saved": _("チラシの保存"),
                "outcomes.flyer_deleted": _("チラシの削除"),
                "outcomes.report_saved": _("年次報告の文章の保存"),
            }
        )

        permissions.register(
            {
                "outcomes.view": permissions.SECRETARIAT_OR_VIEWER,  # projects, KPIs, campaigns, dashboard
                "outcomes.manage": permissions.SECRETARIAT,  # record projects, costs, measurements, imports
            }
        )
        staffnav.register(
            staffnav.NavItem(
                "outcomes",
                _("成果ダッシュボード"),
                "outcomes:dashboard",
                order=5,
                active=("outcomes:dashboard", "outcomes:comparison"),
            ),
            staffnav.NavItem(
                "outcomes",
                _("実証事業"),
                "outcomes:projects",
                order=10,
                active=(
                    "outcomes:project",
                    "outcomes:project_new",
                    "outcomes:project_edit",
                    "outcomes:project_delete",
                    "outcomes:kpi_edit",
                    "outcomes:cost_edit",
                ),
            ),
            staffnav.NavItem(
                "outcomes",
                _("広報キャンペーン"),
                "outcomes:campaigns",
                order=20,
                active=("outcomes:campaign", "outcomes:campaign_edit"),
            ),
            staffnav.NavItem(
                "outcomes",
                _("チラシ"),
                "outcomes:flyers",
                order=30,
                active=("outcomes:flyer", "outcomes:flyer_new"),
            ),
            staffnav.NavItem(
                "outcomes",
                _("年次報告"),
                "outcomes:report",
                order=40,
            ),
        )
