from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "支援・相談窓口の情報（HSDS）"

    def ready(self) -> None:
        from directory import api_cache, desks
        from directory.search import index
        from platforms.desks import register

        index.connect()
        api_cache.connect()
        register(self.label, desks.platform_desks)
