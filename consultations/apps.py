from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "相談窓口（LINE・Webチャット）"

    def ready(self) -> None:
        from accounts import permissions
        from consultations.capabilities import CAPABILITIES

        permissions.register(CAPABILITIES)
        from audit import labels

        labels.register(
            {
                "case.member_added": _("世帯員の追加"),
                "case.contact_logged": _("接触記録の追加"),
                "case.review_scheduled": _("次回の見直し日の設定"),
                "case.erased": _("世帯のケースの消去（本人・世帯の請求）"),
                "case.member_consent_recorded": _("世帯員の同意の記録"),
                "case.member_consent_withdrawn": _("世帯員の同意の撤回"),
                "case.guest_invited": _("会員外の機関の招待"),
                "case.conference_recorded": _("支援調整会議の結果の記録"),
                "case.task_reminded": _("課題の期限のお知らせ"),
                "case.conference_invitation_mailed": _("会員外の機関への会議の案内メール"),
                "referral.member_withdrawn": _("世帯員の同意の撤回による紹介の取消"),
            }
        )
        from consultations import desks
        from consultations.home import consultations_home
        from platforms import homes, staffnav
        from platforms.desks import register

        register(self.label, desks.platform_desks)
        staffnav.register(
            staffnav.NavItem(
                "consultations",
                _("相談受付箱"),
                "consultations:inbox",
                order=10,
                active=(
                    "consultations:conversation",
                    "consultations:canned",
                    "consultations:consent_new",
                    "consultations:referral_new",
                    "consultations:case_new",
                ),
            ),
            staffnav.NavItem(
                "consultations",
                _("紹介"),
                "consultations:referrals",
                order=20,
                active=("consultations:referral",),
            ),
            staffnav.NavItem(
                "consultations", _("ケース"), "consultations:cases", order=30, active=("consultations:case",)
            ),
            staffnav.NavItem("consultations", _("相談の統計"), "consultations:report", order=40),
            staffnav.NavItem(
                "consultations",
                _("相談窓口の設定"),
                "consultations:hours",
                order=50,
                active=(
                    "consultations:desk",
                    "consultations:hours_",
                    "consultations:period_",
                    "consultations:links",
                    "consultations:link_",
                    "consultations:person_",
                    "consultations:casework_settings",
                    "consultations:crisis_",
                ),
            ),
        )
        homes.register(self.label, consultations_home)
