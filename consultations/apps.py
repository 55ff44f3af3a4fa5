from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "相談窓口（LINE・Webチャット）"

    def ready(self) -> None:
        from consultations import desks
        from platforms.desks import register

        register(self.label, desks.platform_desks)
