"""Reads of the events app: lists, seats, figures per event, feedback results, course attendance,
certificates, the seating chart."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from events.models import Course, Event, Feedback, Registration
from partnership.models import MemberOrganisation
from surveys.models import Response
from tsunagari.lib.text import normalise_name

# The after-event survey's satisfaction options (events.services.feedback_survey) -> Feedback codes.
SURVEY_SATISFACTION = {1: "satisfied", 2: "rather_satisfied", 3: "rather_dissatisfied", 4: "dissatisfied"}
SATISFIED = (Feedback.Satisfaction.SATISFIED, Feedback.Satisfaction.RATHER_SATISFIED)


def public_events(*, upcoming: bool = True) -> QuerySet[Event]:
    events = Event.objects.filter(status=Event.Status.PUBLISHED)
    now = timezone.now()
    if upcoming:
        return events.filter(starts_at__gte=now - datetime.timedelta(hours=12)).order_by("starts_at", "id")
    return events.filter(starts_at__lt=now - datetime.timedelta(hours=12)).order_by("-starts_at", "-id")


def staff_events() -> QuerySet[Event]:
    return Event.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)),
        attended=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
    ).order_by("-starts_at", "-id")


def seats_taken(event: Event, mode: str) -> int:
    return Registration.objects.filter(event=event, mode=mode).holding_seats().count()


def seats_left(event: Event, mode: str) -> int:
    return max(event.capacity_of(mode) - seats_taken(event, mode), 0)


def roster(event: Event) -> dict[str, list[str]]:
    """E-mails (or names of phone sign-ups without one) by state, in order of registration.

    A waiting person who has been offered a freed seat holds it and is counted as confirmed;
    ``offered`` lists those who have not yet clicked their confirm link.
    """
    found: dict[str, list[str]] = {
        "confirmed": [],
        "waitlisted": [],
        "cancelled": [],
        "applied": [],
        "offered": [],
    }
    people = Registration.objects.filter(event=event).order_by("created_at", "id")
    for person in people:
        label = person.email or person.name
        if person.status in (Registration.Status.CONFIRMED, Registration.Status.OFFERED):
            found["confirmed"].append(label)
            if person.status == Registration.Status.OFFERED:
                found["offered"].append(label)
        elif person.status == Registration.Status.WAITLISTED:
            found["waitlisted"].append(label)
        elif person.status == Registration.Status.APPLIED:
            found["applied"].append(label)
        else:
            found["cancelled"].append(label)
    return found


class Rates:
    """Attendance (attended / confirmed) and satisfaction (満足・やや満足 / answers) of an event's figures."""

    attended: int
    confirmed: int
    answers: int
    satisfied: int

    @property
    def attendance_rate(self) -> float | None:
        return self.attended / self.confirmed if self.confirmed else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.answers if self.answers else None


@dataclass
class Figures(Rates):
    registered: int
    confirmed: int
    waiting: int
    attended: int
    walk_ins: int
    capacity: int
    answers: int
    satisfied: int


def registration_counts(via: str = "") -> dict[str, Count]:
    """Registrations counted by state (COUNTED): of the rows queried (``via=""``, on Registration),
    or through the relation ``via`` (e.g. ``"registrations"`` from Event)."""
    field = via or "id"
    at = f"{via}__" if via else ""
    status = f"{at}status"
    return {
        "registered": Count(field, filter=~Q(**{status: Registration.Status.CANCELLED})),
        "confirmed": Count(field, filter=Q(**{status: Registration.Status.CONFIRMED})),
        "waiting": Count(
            field,
            filter=Q(**{f"{status}__in": [Registration.Status.WAITLISTED, Registration.Status.OFFERED]}),
        ),
        "cancelled": Count(field, filter=Q(**{status: Registration.Status.CANCELLED})),
        "attended": Count(field, filter=Q(**{f"{at}checked_in_at__isnull": False})),
        "walk_ins": Count(field, filter=Q(**{f"{at}source": Registration.Source.WALK_IN})),
    }


def figures(event: Event) -> Figures:
    people = Registration.objects.filter(event=event)
    counts = people.aggregate(**registration_counts())
    del counts["cancelled"]
    answers = satisfaction_counts(event)
    return Figures(
        capacity=event.capacity_venue + event.capacity_online,
        answers=sum(answers.values()),
        satisfied=sum(answers[code] for code in SATISFIED),
        **counts,
    )


def survey_answers(event: Event) -> list[dict[str, object]]:
    """The submitted answers of the event's questionnaire (survey engine), oldest first."""
    if event.feedback_survey_id is None:
        return []
    rows = (
        Response.objects.filter(survey_id=event.feedback_survey_id).submitted().order_by("submitted_at", "id")
    )
    return list(rows.values_list("answers", flat=True))


def _satisfaction_of(answers: dict[str, object]) -> str:
    value = answers.get("satisfaction")
    try:
        return SURVEY_SATISFACTION.get(int(str(value)), Feedback.Satisfaction.NO_ANSWER)
    except ValueError:
        return Feedback.Satisfaction.NO_ANSWER


def satisfaction_counts(event: Event) -> Counter[str]:
    """Answers by satisfaction: the web questionnaire's and the paper ones typed in by staff."""
    counts = Counter(Feedback.objects.filter(event=event).values_list("satisfaction", flat=True))
    counts.update(_satisfaction_of(answers) for answers in survey_answers(event))
    return counts


@dataclass
class Share:
    code: str
    label: str
    count: int
    percent: int


def satisfaction_shares(event: Event) -> tuple[list[Share], int]:
    """Each answer's count and share of all answers, rounded to whole per cent as Shiga reports."""
    counts = satisfaction_counts(event)
    total = sum(counts.values())
    shares = [
        Share(code, str(label), counts.get(code, 0), round(100 * counts.get(code, 0) / total) if total else 0)
        for code, label in Feedback.Satisfaction.choices
    ]
    return shares, total


# The event page shows the satisfaction shares from this many answers on (fewer could name a person).
PUBLIC_MIN_ANSWERS = 5


def public_results(event: Event) -> tuple[list[Share], int] | None:
    """Satisfaction shares for the public event page, once the event is over and enough answered."""
    if event.starts_at > timezone.now():
        return None
    shares, total = satisfaction_shares(event)
    return (shares, total) if total >= PUBLIC_MIN_ANSWERS else None


@dataclass
class Requests:
    sent: int
    answered: int
    attended_without_mail: int


def feedback_requests(event: Event) -> Requests:
    """How many attendees were asked by mail, how many of them answered, who cannot be mailed."""
    people = Registration.objects.filter(event=event, checked_in_at__isnull=False)
    counts = people.aggregate(
        sent=Count("id", filter=Q(feedback_invitation__isnull=False)),
        answered=Count("id", filter=Q(feedback_invitation__used_at__isnull=False)),
        without=Count("id", filter=Q(email="")),
    )
    return Requests(counts["sent"], counts["answered"], counts["without"])


@dataclass
class Comment:
    text: str
    satisfaction: str

    def get_satisfaction_display(self) -> str:
        return str(Feedback.Satisfaction(self.satisfaction).label)

    @property
    def comment(self) -> str:
        return self.text


def comments(event: Event) -> list[Comment]:
    """Free text of the questionnaire (ご意見・ご感想) and of paper answers, with the satisfaction given."""
    found = [
        Comment(str(answers.get("comment", "")).strip(), _satisfaction_of(answers))
        for answers in survey_answers(event)
    ]
    found += [
        Comment(answer.comment, answer.satisfaction)
        for answer in Feedback.objects.filter(event=event).exclude(comment="").order_by("created_at")
    ]
    return [comment for comment in found if comment.text]


@dataclass
class CourseLine:
    name: str
    email: str
    organisation: str
    attended: int
    completed: bool


def course_attendance(course: Course) -> list[CourseLine]:
    """Everyone registered to a session, keyed by e-mail (or name), with sessions attended."""
    people: dict[str, CourseLine] = {}
    rows = Registration.objects.filter(event__course=course).exclude(status=Registration.Status.CANCELLED)
    for person in rows.order_by("created_at"):
        key = person.email_key or f"name:{person.name}"
        line = people.setdefault(key, CourseLine(person.name, person.email, person.organisation, 0, False))
        if person.checked_in_at:
            line.attended += 1
    for line in people.values():
        line.completed = line.attended >= course.min_sessions
    return sorted(people.values(), key=lambda line: (-line.attended, line.name))


@dataclass
class Supporter:
    """One line of the roster of people who completed a course (つながりサポーター)."""

    name: str
    email: str
    organisation: str
    courses: list[str]
    completed_on: datetime.date


def supporters() -> list[Supporter]:
    """Everyone who completed any course of the platform, one line a person, oldest first.

    Kept for later invitations (Gifu keeps its つながりサポーター for follow-up training and
    events): a person is known by their e-mail as typed (case and width folded), or by name
    when they signed up by phone; the completion day is the day of the attendance that made
    the required number, and the name and organisation the latest they gave.
    """
    rows = (
        Registration.objects.filter(event__course__isnull=False, checked_in_at__isnull=False)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("event__course")
        .order_by("checked_in_at", "id")
    )
    attended: dict[tuple[int, str], list[Registration]] = defaultdict(list)
    latest: dict[str, dict[str, str]] = defaultdict(dict)  # the latest non-empty name, e-mail, organisation
    for person in rows:
        assert person.event.course_id is not None and person.checked_in_at is not None
        key = person.email_key or f"name:{person.name}"
        attended[(person.event.course_id, key)].append(person)
        latest[key].update(
            {f: v for f in ("name", "email", "organisation") if (v := getattr(person, f).strip())}
        )
    roster: dict[str, Supporter] = {}
    for (_course_id, key), visits in attended.items():
        course = visits[0].event.course
        assert course is not None
        needed = max(course.min_sessions, 1)
        if len(visits) < needed:
            continue
        done = timezone.localdate(visits[needed - 1].checked_in_at)
        given = latest[key]
        line = roster.setdefault(
            key,
            Supporter(given.get("name", ""), given.get("email", ""), given.get("organisation", ""), [], done),
        )
        line.courses.append(course.title)
        line.completed_on = min(line.completed_on, done)
    return sorted(roster.values(), key=lambda line: (line.completed_on, line.name))


@dataclass
class EventFigures(Rates):
    """One event's line of the figures page (and of its CSV)."""

    event: Event
    registered: int
    confirmed: int
    waiting: int
    cancelled: int
    attended: int
    walk_ins: int
    answers: int
    satisfied: int


@dataclass
class PeriodFigures:
    start: datetime.date
    end: datetime.date
    events: list[EventFigures]

    def total(self, name: str) -> int:
        return sum(int(getattr(line, name)) for line in self.events)

    @property
    def totals(self) -> dict[str, int]:
        names = (
            "registered",
            "confirmed",
            "waiting",
            "cancelled",
            "attended",
            "walk_ins",
            "answers",
            "satisfied",
        )
        return {name: self.total(name) for name in names}

    @property
    def attendance_rate(self) -> float | None:
        confirmed = self.total("confirmed")
        return self.total("attended") / confirmed if confirmed else None

    @property
    def satisfaction_rate(self) -> float | None:
        answers = self.total("answers")
        return self.total("satisfied") / answers if answers else None


def events_between(start: datetime.date, end: datetime.date) -> QuerySet[Event]:
    """Events held (not cancelled, not drafts) on the days ``start`` to ``end`` inclusive, Japan time."""
    return Event.objects.filter(
        status=Event.Status.PUBLISHED,
        starts_at__date__gte=start,
        starts_at__date__lte=end,
    ).order_by("starts_at", "id")


def period_figures(start: datetime.date, end: datetime.date) -> PeriodFigures:
    """Registrations, attendance, waiting list and satisfaction per event held in the period.

    Call inside a platform's scope. ``waiting`` is who is still waiting (or offered a seat);
    ``attendance_rate`` is attended / confirmed; satisfaction counts 満足 and やや満足 among
    the answers to the web questionnaire and the paper ones. A fixed number of queries per event.
    """
    events = list(
        events_between(start, end).annotate(
            **{f"n_{name}": count for name, count in registration_counts("registrations").items()}
        )
    )
    lines = []
    for event in events:  # the annotations above, n_<field> on each event
        answers = satisfaction_counts(event)
        lines.append(
            EventFigures(
                event=event,
                **{field: vars(event)[f"n_{field}"] for field in COUNTED},
                answers=sum(answers.values()),
                satisfied=sum(answers[code] for code in SATISFIED),
            )
        )
    return PeriodFigures(start, end, lines)


COUNTED = ("registered", "confirmed", "waiting", "cancelled", "attended", "walk_ins")


def fiscal_year_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """年度 (April to March) containing ``day``."""
    first = day.year if day.month >= 4 else day.year - 1
    return datetime.date(first, 4, 1), datetime.date(first + 1, 3, 31)


@dataclass
class Certificate:
    name: str
    organisation: str
    title: str
    body: str
    number: str


def certificates_for_event(event: Event) -> list[Certificate]:
    """One certificate for each person who attended (checked in), numbered in kana order."""
    people = Registration.objects.filter(event=event, checked_in_at__isnull=False).order_by(
        "name_kana", "name"
    )
    return [
        Certificate(p.name, p.organisation, event.title, "", f"{event.slug}-{index:04d}")
        for index, p in enumerate(people, start=1)
    ]


def certificates_for_course(course: Course) -> list[Certificate]:
    """One certificate for each person who attended enough sessions of the course."""
    lines = [line for line in course_attendance(course) if line.completed]
    return [
        Certificate(line.name, line.organisation, course.title, course.certificate_title, f"C{index:04d}")
        for index, line in enumerate(lines, start=1)
    ]


def group_key(people: list[Registration], attribute: str) -> Callable[[Registration], str]:
    """The group a person sits with: the attribute as typed, or their organisation's member type.

    Member types come from the platform's current members, matched by the organisation name as
    people write it (widths, 株式会社/（株）, spaces folded by ``normalise_name``).
    """
    if attribute != "member_type":
        return lambda person: (getattr(person, attribute, "") or "").strip() or "～"
    names = {normalise_name(p.organisation) for p in people if p.organisation.strip()}
    members = MemberOrganisation.objects.filter(
        normalised_name__in=names, status=MemberOrganisation.Status.ACTIVE
    ).only("normalised_name", "org_type")
    types = {m.normalised_name: str(m.get_org_type_display()) for m in members}
    outside = str(_("会員外"))
    return lambda person: (
        types.get(normalise_name(person.organisation), outside) if person.organisation else outside
    )


def seated_people(event: Event) -> list[Registration]:
    """The confirmed people at the venue, in kana order (those the seating plan seats)."""
    return list(
        Registration.objects.filter(
            event=event, status=Registration.Status.CONFIRMED, mode=Registration.Mode.VENUE
        ).order_by("name_kana", "name", "id")
    )


def tables_of(event: Event) -> list[tuple[int, list[Registration]]]:
    """The current chart: (table number, people) in order, unseated confirmed people as table 0."""
    chart: dict[int, list[Registration]] = {}
    for person in seated_people(event):
        chart.setdefault(person.table or 0, []).append(person)
    return sorted(chart.items())
