from django.apps import AppConfig


class TsunagariConfig(AppConfig):
    name = "tsunagari"
    verbose_name = "tsunagari"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from tsunagari import checks  # noqa: F401  (registers the production checks)

        connection_created.connect(_sqlite_pragmas)


def _sqlite_pragmas(sender, connection, **kwargs):
    """init_command covers new connections; this keeps WAL on for test databases too."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
