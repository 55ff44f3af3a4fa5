from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """Running tsunagari: the scheduler, backups, key custody checks and health."""

    name = "operations"
    verbose_name = _("運用")

    def ready(self) -> None:
        from operations import checks, signals  # noqa: F401 - registers checks and receivers
