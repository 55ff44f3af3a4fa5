from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "platforms"
    verbose_name = "プラットフォーム"

    def ready(self) -> None:
        from platforms import staffnav

        staffnav.register(
            staffnav.NavItem(
                "partnership", _("市町村の状況"), "platforms:rollup", order=60, show=lambda p: p.is_prefecture
            ),
            staffnav.NavItem("admin", _("設定"), "platforms:settings", order=90),
        )
