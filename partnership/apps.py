from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "官民連携（会員）"

    def ready(self) -> None:
        from partnership.services.tiers import do_create_default_tiers
        from platforms.services.creation import on_platform_created

        on_platform_created(do_create_default_tiers)
        from accounts import permissions
        from partnership.capabilities import CAPABILITIES

        permissions.register(CAPABILITIES)
        from partnership.home import partnership_home
        from platforms import homes, staffnav

        staffnav.register(
            staffnav.NavItem(
                "partnership",
                _("入会審査"),
                "partnership:applications",
                order=10,
                active=("partnership:application",),
            ),
            staffnav.NavItem(
                "partnership",
                _("変更届・退会届"),
                "partnership:changes",
                order=20,
                active=("partnership:change", "partnership:withdrawal"),
            ),
            staffnav.NavItem(
                "partnership",
                _("会員団体"),
                "partnership:members",
                order=30,
                active=("partnership:member", "partnership:expel", "partnership:withdraw"),
            ),
            staffnav.NavItem(
                "partnership",
                _("自団体の情報"),
                "partnership:my_organisation",
                order=35,
                active=("partnership:my_",),
            ),
            staffnav.NavItem("partnership", _("コアパートナー候補"), "partnership:core_partners", order=40),
            staffnav.NavItem(
                "partnership",
                _("既存の会議体"),
                "partnership:councils",
                order=50,
                active=("partnership:council",),
            ),
            staffnav.NavItem("admin", _("会員区分"), "partnership:tiers", order=40),
            staffnav.NavItem(
                "partnership",
                _("市町村の状況"),
                "partnership:rollup",
                order=60,
                show=lambda p: p.is_prefecture,
            ),
        )
        homes.register(self.label, partnership_home)
