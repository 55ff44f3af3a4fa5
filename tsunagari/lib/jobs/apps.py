from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "tsunagari.lib.jobs"
    label = "jobs"
    verbose_name = _("取り込みジョブ")
    default_auto_field = "django.db.models.BigAutoField"
