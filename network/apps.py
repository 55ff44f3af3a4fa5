from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "network"
    verbose_name = "会員ネットワーク（掲示板・事例・マッチング）"

    def ready(self) -> None:
        from accounts import permissions
        from accounts.models import Role
        from audit import labels
        from network.home import network_home
        from platforms import homes, staffnav

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
                "network.notice_made_public": _("会員の掲示を公開ページに掲載"),
                "network.notice_kept_members_only": _("会員の掲示を会員のみに据え置き"),
                "network.comment_posted": _("掲示へのコメント"),
                "network.recipients_set": _("傘下団体の送付先の登録"),
                "network.recipient_unsubscribed": _("傘下団体の転送メールの配信停止"),
                "network.grant_reminders_on": _("助成・補助の締切のお知らせの配信開始"),
                "network.grant_reminders_off": _("助成・補助の締切のお知らせの配信停止"),
                "network.grant_reminders_sent": _("助成・補助の締切のお知らせの送信"),
                "network.profile_saved": _("得意分野・相談体制の保存"),
                "network.profile_change_submitted": _("得意分野・相談体制の変更の提出"),
                "network.profile_change_applied": _("得意分野・相談体制の変更の反映"),
                "network.profile_change_returned": _("得意分野・相談体制の変更の差戻し"),
                "network.listing_updated": _("ニーズ・提供の変更"),
                "network.listing_withdrawn": _("ニーズ・提供の取り下げ"),
                "network.case_updated": _("事例の変更"),
                "network.notice_updated": _("掲示の変更"),
                "network.notice_withdrawn": _("掲示の取り下げ"),
                "network.attachment_deleted": _("掲示の添付ファイルの削除"),
            }
        )

        homes.register(self.label, network_home)
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
                "network",
                _("掲示板"),
                "network:index",
                order=10,
                active=(
                    "network:index",
                    "network:forward",
                    "network:notice",
                    "network:edit_notice",
                    "network:umbrellas",
                ),
            ),
            staffnav.NavItem(
                "network",
                _("ニーズと提供"),
                "network:listings",
                order=20,
                active=(
                    "network:listings",
                    "network:need",
                    "network:match",
                    "network:pledge",
                    "network:pledge_publish",
                    "network:edit_listing",
                ),
            ),
            staffnav.NavItem(
                "network",
                _("事例"),
                "network:cases",
                order=30,
                active=("network:case", "network:new_case", "network:edit_case"),
            ),
            staffnav.NavItem(
                "network",
                _("会員の得意分野"),
                "network:members",
                order=35,
                active=("network:member_profile", "network:profile_changes"),
            ),
            staffnav.NavItem("network", _("市町村伴走支援"), "network:accompaniment", order=40),
        )
