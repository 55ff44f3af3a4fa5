from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running tsunagari: the scheduler, backups, key custody checks and health."""

    name = "operations"
    verbose_name = _("運用")

    def ready(self) -> None:
        from accounts import permissions
        from operations import checks, signals  # noqa: F401 - registers checks and receivers
        from platforms import staffnav

        permissions.register({"operations.view_status": permissions.SECRETARIAT_ADMIN})
        staffnav.register(staffnav.NavItem("admin", _("運用の状態"), "operations:status", order=90))
