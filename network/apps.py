from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "会員ネットワーク（掲示板・事例・マッチング）"

    def ready(self) -> None:
        from accounts import permissions
        from accounts.models import Role
        from audit import labels
        from platforms import staffnav

        labels.register(
            {
                "network.pledge_published": _("守秘義務の誓約の公開"),
                "network.pledge_accepted": _("守秘義務の誓約への同意"),
                "network.listing_posted": _("ニーズ・提供の登録"),
                "network.match_proposed": _("マッチングの提案"),
                "network.match_accepted": _("マッチングの応諾"),
                "network.match_declined": _("マッチングの辞退"),
                "network.match_delivered": _("マッチングの提供完了"),
                "network.match_thanked": _("マッチングへのお礼"),
                "network.case_created": _("事例の作成"),
                "network.case_step_added": _("事例のつなぎ方の追加"),
                "network.case_shared": _("事例の共有"),
                "network.notice_posted": _("掲示板への投稿"),
                "network.notice_forwarded": _("掲示の会員への転送"),
                "network.umbrella_set": _("上部団体の設定"),
                "network.engagement_recorded": _("市町村伴走支援の記録"),
            }
        )

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
