from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "tsunagari.lib.outbox"
    label = "outbox"
    verbose_name = _("送信メール")
    default_auto_field = "django.db.models.BigAutoField"
