from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlatformsConfig(AppConfig):
    name = "platforms"
    verbose_name = "プラットフォーム"

    def ready(self) -> None:
        from platforms import staffnav

        staffnav.register(
            staffnav.NavItem("admin", _("設定"), "platforms:settings", order=90),
        )
