"""The after-event questionnaire built with the survey engine, and the mail that asks for it.

A survey is attached to an event from ``FEEDBACK_TEMPLATE`` (Shiga's satisfaction question with
its four answers, what was useful, themes for next time, free text), through the survey
engine's own services, so staff may add or change questions in the survey builder and results,
exports and the PDF report come from ``surveys``. Answers are anonymous: each attendee gets an
invitation code (one answer per code), and the response is not linked to the registration.

``do_send_feedback_requests`` (scheduler: ``manage.py event_feedback_requests``) mails the code
to everyone checked in, once the event has ended: one invitation per registration, kept on
the registration, so nobody gets the request twice, and a person checked in late (after the
first run) gets it on the next run. No mail at night (``events.timing.is_quiet_time``), none for
events ended more than ``REQUEST_WITHIN`` ago (a survey attached months later mails nobody).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from events import mail
from events.models import Event, Registration
from events.services.registration import mail_context
from events.timing import ended_at, is_quiet_time
from surveys.models import Invitation, Question, Survey
from surveys.queries import unused_codes
from surveys.services.questionnaire import do_add_section, do_create_survey, do_open_survey, do_save_question

# How long after an event the request still goes out (a late check-in entered days later too).
REQUEST_WITHIN = datetime.timedelta(days=14)

SATISFACTION_CODE = "satisfaction"
COMMENT_CODE = "comment"
# Option code of the survey's satisfaction question -> Feedback.Satisfaction (paper answers).
SATISFACTION_OPTIONS = [
    (1, "satisfied", "満足"),
    (2, "rather_satisfied", "やや満足"),
    (3, "rather_dissatisfied", "やや不満"),
    (4, "dissatisfied", "不満"),
]


def _options(*labels: str) -> list[dict[str, object]]:
    return [{"code": n, "label": label, "label_easy": ""} for n, label in enumerate(labels, start=1)]


FEEDBACK_TEMPLATE: list[dict[str, object]] = [
    {
        "code": SATISFACTION_CODE,
        "type": "single",
        "text": "本日のイベントの満足度を教えてください。",
        "required": True,
        "options": [{"code": n, "label": label, "label_easy": ""} for n, _key, label in SATISFACTION_OPTIONS],
    },
    {
        "code": "useful",
        "type": "multiple",
        "text": "参考になったものをすべて選んでください。",
        "options": _options(
            "講演・基調報告", "事例発表", "グループワーク・意見交換", "団体同士の交流", "配布資料"
        ),
    },
    {
        "code": "next_theme",
        "type": "text",
        "text": "今後取り上げてほしいテーマがあればお書きください。",
    },
    {
        "code": COMMENT_CODE,
        "type": "text",
        "text": "ご意見・ご感想をお聞かせください。",
    },
]


def _free_slug(event: Event) -> str:
    base = f"{event.slug}-enquete"[:52]
    slug, n = base, 1
    while Survey.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def do_attach_feedback_survey(event: Event, *, actor: Actor) -> Survey:
    """Create the event's questionnaire from the template and open it (once: the same one after)."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if (survey := event.feedback_survey) is not None:
            return survey
        if event.status == Event.Status.CANCELLED:
            raise ValidationError(_("中止したイベントにはアンケートを作成できません。"))
        survey = do_create_survey(
            event.platform,
            slug=_free_slug(event),
            title=_("%(title)s アンケート") % {"title": event.title},
            description=_(
                "「%(title)s」にご参加いただきありがとうございました。今後の企画の参考にするため、"
                "アンケートにご協力ください（無記名・3分ほど）。"
            )
            % {"title": event.title},
            actor=actor.user,
        )
        section = do_add_section(survey, title=_("イベントについて"), actor=actor.user)
        for order, spec in enumerate(FEEDBACK_TEMPLATE, start=1):
            do_save_question(
                Question(
                    section=section,
                    order=order,
                    code=str(spec["code"]),
                    type=str(spec["type"]),
                    text=str(spec["text"]),
                    required=bool(spec.get("required", False)),
                    options=spec.get("options", []),
                ),
                actor=actor.user,
            )
        survey = do_open_survey(survey, actor=actor.user)
        event.feedback_survey = survey
        event.save(update_fields=["feedback_survey", "updated_at"])
        log_action("events.feedback_survey", by=actor, obj=event, data={"survey": str(survey.uuid)})
        return survey


def answer_url(event: Event, invitation: Invitation) -> str:
    survey = event.feedback_survey
    assert survey is not None
    path = reverse("surveys:start", args=[event.platform.slug, survey.slug])
    return mail.absolute(f"{path}?code={invitation.code}")


@dataclass
class RequestRun:
    quiet: bool = False
    queued: int = 0
    events: list[str] = field(default_factory=list)


def do_send_feedback_requests(
    *, actor: Actor | None = None, now: datetime.datetime | None = None
) -> RequestRun:
    """Mail the questionnaire's code to every attendee of the events that have ended (scope: a platform)."""
    now = now or timezone.now()
    run = RequestRun(quiet=is_quiet_time(now))
    if run.quiet:
        return run
    candidates = Event.objects.filter(
        feedback_survey__status=Survey.Status.OPEN,
        starts_at__lte=now,
        starts_at__gte=now - REQUEST_WITHIN - datetime.timedelta(days=7),
    ).exclude(status=Event.Status.CANCELLED)
    for event in candidates.order_by("starts_at", "id"):
        if not ended_at(event) <= now < ended_at(event) + REQUEST_WITHIN:
            continue
        queued = _request(event, actor)
        if queued:
            run.queued += queued
            run.events.append(event.slug)
    return run


def _request(event: Event, actor: Actor | None) -> int:
    with transaction.atomic():
        # lock the event alone (PostgreSQL refuses FOR UPDATE on the nullable side of a join)
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.feedback_survey_id is None:  # the survey was detached meanwhile
            return 0
        survey = Survey.objects.get(pk=event.feedback_survey_id)
        people = list(
            Registration.objects.select_for_update()
            .filter(event=event, checked_in_at__isnull=False, feedback_invitation__isnull=True)
            .exclude(email="")
            .order_by("checked_in_at", "id")
        )
        if not people:
            return 0
        codes = unused_codes(survey, len(people))
        for person, code in zip(people, codes, strict=True):
            invitation = Invitation.objects.create(platform=event.platform, survey=survey, code=code)
            person.feedback_invitation = invitation
            person.save(update_fields=["feedback_invitation"])
            mail.queue(
                event.platform,
                person,
                "feedback_request",
                {**mail_context(person), "answer_url": answer_url(event, invitation), "code": code},
            )
        log_action(
            "events.feedback_requests",
            by=actor,
            platform=event.platform,
            obj=event,
            data={"queued": len(people)},
            label="scheduler",
        )
        return len(people)
