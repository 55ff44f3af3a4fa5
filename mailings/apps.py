from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = "メールマガジン"

    def ready(self) -> None:
        from accounts import permissions
        from audit import labels
        from platforms import staffnav

        labels.register(
            {
                "mailings.suspend": _("不達によるメールマガジン配信の停止"),
                "mailings.resume": _("不達で停止した配信の再開"),
            }
        )

        permissions.register({"mailings.manage": permissions.SECRETARIAT})
        staffnav.register(
            staffnav.NavItem(
                "events",
                _("メールマガジン"),
                "mailings:staff_index",
                permission="mailings.manage",
                order=30,
                active=("mailings:staff_", "mailings:subscribers_csv"),
            ),
        )
