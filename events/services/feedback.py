"""The after-event questionnaire: one answer per registration (by its link), or paper answers."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from events.models import Event, Feedback, Registration
from events.services.registration import RegistrationError


def do_submit_feedback(
    event: Event,
    *,
    satisfaction: str,
    comment: str = "",
    registration: Registration | None = None,
    actor: Actor | None = None,
) -> Feedback:
    if satisfaction not in Feedback.Satisfaction.values:
        raise RegistrationError(_("満足度を選んでください。"), "satisfaction")
    if registration is not None and Feedback.objects.filter(registration=registration).exists():
        raise RegistrationError(_("アンケートには既にご回答いただいています。ありがとうございました。"))
    try:
        with transaction.atomic():
            answer = Feedback.objects.create(
                platform=event.platform,
                event=event,
                registration=registration,
                satisfaction=satisfaction,
                comment=comment.strip()[:4000],
            )
            log_action(
                "events.feedback",
                by=actor,
                platform=event.platform,
                obj=event,
                data={"paper": registration is None},
                label="participant",
            )
    except IntegrityError:
        raise RegistrationError(
            _("アンケートには既にご回答いただいています。ありがとうございました。")
        ) from None
    return answer
