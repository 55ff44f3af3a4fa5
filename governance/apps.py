from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "ガバナンス（規約・会議・議決）"

    def ready(self) -> None:
        from accounts import permissions
        from governance.queries import expulsion_resolution_refusal, tier_change_refusal
        from partnership.hooks import register_expulsion_check, register_tier_check
        from platforms import staffnav

        register_expulsion_check(expulsion_resolution_refusal)
        register_tier_check(tier_change_refusal)
        permissions.register(
            {
                "governance.view": permissions.SECRETARIAT_OR_VIEWER,  # bodies, meetings, minutes, plans
                "governance.manage": permissions.SECRETARIAT,  # convene, record, decide, edit
            }
        )
        staffnav.register(
            staffnav.NavItem(
                "governance",
                _("会議と議決"),
                "governance:index",
                order=10,
                active=(
                    "governance:body",
                    "governance:body_",
                    "governance:meeting",
                    "governance:meeting_",
                    "governance:live",
                    "governance:item",
                    "governance:minutes",
                    "governance:minutes_",
                    "governance:written",
                    "governance:written_",
                    "governance:seats_csv",
                ),
            ),
            staffnav.NavItem(
                "governance", _("規約"), "governance:bylaws", order=20, active=("governance:article_",)
            ),
            staffnav.NavItem(
                "governance", _("立ち上げ計画"), "governance:plans", order=30, active=("governance:plan",)
            ),
        )
