from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "実態調査"

    def ready(self) -> None:
        from accounts import permissions
        from surveys.capabilities import CAPABILITIES

        permissions.register(CAPABILITIES)
        from audit import labels
        from surveys.services import imports
        from tsunagari.lib.jobs import runner as jobs

        jobs.register(imports.JOB_KIND, imports.import_job)
        from tsunagari.lib.jobs.cleanup import register_cleaner

        register_cleaner("survey_import_batches", imports.discard_abandoned)

        labels.register(
            {
                "survey.prospects_reminded": _("会員外の団体への督促メールの送信予約"),
                "survey.prospect_stopped": _("会員外の団体がメールの停止を求めた"),
                "survey.prospect_join_invited": _("会員外の団体への入会申込の案内"),
                "survey.prospect_added_from_directory": _("資源・窓口の団体を調査対象リストに追加"),
                "survey.prospect_letters_printed": _("会員外の団体への依頼状（郵送）を印刷"),
                "survey.prospect_directory_draft": _("会員外の団体の回答から資源・窓口の下書きを作成"),
                "survey.register_sharing_changed": _("会員名簿の他プラットフォームへの共有設定を変更"),
                "survey.prospects_added_from_register": _(
                    "他プラットフォームの会員名簿から調査対象リストに追加"
                ),
            }
        )
        from platforms import homes, staffnav
        from platforms.desks import register
        from surveys import desks
        from surveys.home import surveys_home

        register(self.label, desks.platform_desks)
        staffnav.register(
            staffnav.NavItem("surveys", _("実態調査"), "surveys:list", order=10, active=("surveys:",))
        )
        homes.register(self.label, surveys_home)
