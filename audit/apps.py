from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "監査ログ"

    def ready(self) -> None:
        from audit.home import audit_home
        from platforms import homes, staffnav

        staffnav.register(
            staffnav.NavItem("admin", _("監査ログ"), "audit:list", order=20),
            staffnav.NavItem("admin", _("送信メール"), "audit:mail_list", order=30, active=("audit:mail_",)),
        )
        homes.register(self.label, audit_home)
