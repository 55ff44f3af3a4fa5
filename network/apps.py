from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "会員ネットワーク（掲示板・事例・マッチング）"

    def ready(self) -> None:
        from accounts import permissions
        from accounts.models import Role

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
