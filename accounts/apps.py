from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "アカウント"

    def ready(self) -> None:
        from accounts import signals  # noqa: F401
        from platforms import staffnav

        staffnav.register(
            staffnav.NavItem(
                "admin",
                _("スタッフと役割"),
                "accounts:staff_users",
                order=10,
                active=("accounts:staff_role",),
            )
        )
