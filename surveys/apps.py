from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "実態調査"

    def ready(self) -> None:
        from platforms.desks import register
        from surveys import desks

        register(self.label, desks.platform_desks)
