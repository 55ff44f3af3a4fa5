from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = "メールマガジン"

    def ready(self) -> None:
        from accounts import permissions
        from platforms import staffnav

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
