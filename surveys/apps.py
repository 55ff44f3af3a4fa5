from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = "実態調査"

    def ready(self) -> None:
        from accounts import permissions
        from surveys.capabilities import CAPABILITIES

        permissions.register(CAPABILITIES)
        from platforms import homes, staffnav
        from platforms.desks import register
        from surveys import desks
        from surveys.home import surveys_home

        register(self.label, desks.platform_desks)
        staffnav.register(
            staffnav.NavItem("surveys", _("実態調査"), "surveys:list", order=10, active=("surveys:",))
        )
        homes.register(self.label, surveys_home)
