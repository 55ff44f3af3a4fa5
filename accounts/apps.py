from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from accounts import permissions, signals  # noqa: F401  (signals: sign-in audit entries)
        from accounts.audit_home import audit_home
        from accounts.capabilities import CAPABILITIES
        from platforms import homes, staffnav

        permissions.register(CAPABILITIES)
        staffnav.register(
            staffnav.NavItem(
                "admin",
                _("スタッフと役割"),
                "accounts:staff_users",
                order=10,
                active=("accounts:staff_role",),
            ),
            # The audit log's and the outbox's entries and home block: audit sits below platforms,
            # whose menu and homes these are, so accounts registers them.
            staffnav.NavItem("admin", _("監査ログ"), "audit:list", order=20),
            staffnav.NavItem("admin", _("送信メール"), "audit:mail_list", order=30, active=("audit:mail_",)),
        )
        homes.register("audit", audit_home)
