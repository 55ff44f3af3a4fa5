from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "イベント・研修"

    def ready(self) -> None:
        from platforms import staffnav

        staffnav.register(
            staffnav.NavItem(
                "events",
                _("イベント・研修"),
                "events:staff_list",
                order=10,
                active=(
                    "events:staff_",
                    "events:seating",
                    "events:reception",
                    "events:feedback_results",
                    "events:certificates",
                    "events:roster_csv",
                    "events:registration_cancel",
                    "events:checkin",
                ),
            ),
            staffnav.NavItem(
                "events", _("研修コース"), "events:courses", order=20, active=("events:course",)
            ),
        )
