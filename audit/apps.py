from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "監査ログ"
    # Its staff menu entries and home block are registered by accounts (audit sits below platforms).
