from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "イベント・研修"

    def ready(self) -> None:
        from accounts import permissions
        from accounts.models import Role
        from audit import labels
        from events.desks import upcoming_events
        from events.kpi import register_sources
        from platforms import desks, staffnav

        desks.register("events", upcoming_events)
        register_sources()
        labels.register(
            {
                "events.reminders": _("イベント前のリマインダーの送信"),
                "events.feedback_survey": _("イベントのアンケート（調査）の作成"),
                "events.feedback_requests": _("イベント後のアンケート依頼の送信"),
            }
        )

        permissions.register(
            {
                # the secretariat runs events: create, publish, approve proposals, sign-ups, seating,
                # reception, certificates, exports
                "events.manage": permissions.SECRETARIAT,
                # see the staff list (member staff see their own proposals, counsellors what is public)
                "events.view_list": permissions.ANY_STAFF,
                # member organisations propose their own events for the portal
                "events.propose": permissions.SECRETARIAT | {Role.MEMBER_STAFF},
                "events.view_event": permissions.SECRETARIAT_OR_VIEWER | {Role.MEMBER_STAFF},
                # figures, feedback results and courses for those who report on outcomes
                "events.view_results": permissions.SECRETARIAT_OR_VIEWER,
            }
        )

        staffnav.register(
            staffnav.NavItem(
                "events",
                _("イベント・研修"),
                "events:staff_list",
                permission="events.view_list",
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
                    "events:figures",
                ),
            ),
            staffnav.NavItem(
                "events",
                _("研修コース"),
                "events:courses",
                permission="events.view_results",
                order=20,
                active=("events:course", "events:supporters"),
            ),
        )
