from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "会員ネットワーク（掲示板・事例・マッチング）"

    def ready(self) -> None:
        from accounts import permissions
        from accounts.models import Role
        from platforms import staffnav

        permissions.register(
            {
                # the secretariat runs the board, pledges, matches, case studies and engagements
                "network.manage": permissions.SECRETARIAT,
                # members read the board and, once pledged, needs/offers and case studies
                "network.member": permissions.SECRETARIAT | {Role.MEMBER_STAFF},
                # the prefecture's roll-up of its municipalities
                "network.view_engagements": permissions.SECRETARIAT_OR_VIEWER,
            }
        )
        staffnav.register(
            staffnav.NavItem(
                "network", _("掲示板"), "network:index", order=10, active=("network:index", "network:forward")
            ),
            staffnav.NavItem(
                "network",
                _("ニーズと提供"),
                "network:listings",
                order=20,
                active=("network:listings", "network:need", "network:match", "network:pledge"),
            ),
            staffnav.NavItem("network", _("事例"), "network:cases", order=30, active=("network:case",)),
            staffnav.NavItem("network", _("市町村伴走支援"), "network:accompaniment", order=40),
        )
