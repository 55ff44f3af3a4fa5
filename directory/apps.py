from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "支援・相談窓口の情報（HSDS）"

    def ready(self) -> None:
        from directory import api_cache
        from directory.search import index

        index.connect()
        api_cache.connect()
