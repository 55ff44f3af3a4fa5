from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    name = "mailings"
    verbose_name = "メールマガジン"

    def ready(self) -> None:
        from platforms import staffnav

        staffnav.register(
            staffnav.NavItem(
                "events", _("メールマガジン"), "mailings:staff_index", order=30, active=("mailings:staff_", "mailings:subscribers_csv")
            ),
        )
