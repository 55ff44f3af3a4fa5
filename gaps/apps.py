from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GapsConfig(AppConfig):
    name = "gaps"
    verbose_name = "棚卸し・ギャップ分析"

    def ready(self) -> None:
        from accounts import permissions
        from gaps.capabilities import CAPABILITIES

        permissions.register(CAPABILITIES)
        from platforms import staffnav

        staffnav.register(
            staffnav.NavItem(
                "directory",
                _("ギャップ分析"),
                "gaps:coverage",
                order=20,
                active=("gaps:coverage_", "gaps:touch_"),
            )
        )
