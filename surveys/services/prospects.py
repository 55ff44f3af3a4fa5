"""Organisation surveys beyond the members (issue 20): a list of organisations that are not
members yet, invited by mail (or by letter) with their own answer code, reminded, invited to join.
The list and its response rates are read in ``surveys.queries.prospects``; an uploaded list is
read and the mails' links are signed in ``surveys.prospect_lists``.

Saitama surveyed NPOs that were not members; Shiga's survey reached 88 bodies and doubled as
recruitment; Ichihara surveyed outside agencies (seed 001).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from partnership.models import MemberOrganisation
from partnership.prefill import prefill_token
from surveys.models import Invitation, Prospect, Response, Survey
from surveys.prospect_lists import fold, guess_org_type, parse, site_url, stop_token
from surveys.queries import application_of, due_for_reminder, listing, shared_register, unused_codes
from tsunagari.lib import mail
from tsunagari.lib.jpcalendar import is_business_day
from tsunagari.lib.text import normalise_name

POSTAL_CODE = re.compile(r"^\d{3}-?\d{4}$")


@transaction.atomic
def do_import_prospects(survey: Survey, data: bytes, *, actor: Any = None) -> int:
    """All rows or none: a row with no name or area, a bad e-mail, neither an e-mail nor a postal
    address, a bad postal code, or an organisation already listed (in the file, in this survey,
    or a member) is refused with its row number."""
    rows = parse(data)
    problems: list[str] = []
    seen = {fold(name) for name in Prospect.objects.filter(survey=survey).values_list("name", flat=True)}
    members = {fold(name) for name in MemberOrganisation.objects.values_list("name", flat=True)}
    new: list[Prospect] = []
    for number, row in enumerate(rows, start=2):
        label = _("%(n)d行目") % {"n": number}
        if not row["name"]:
            problems.append(_("%(row)s: 団体名がありません。") % {"row": label})
            continue
        key = fold(row["name"])
        if key in members:
            problems.append(
                _("%(row)s: 「%(name)s」は既に会員です（会員には会員向けの招待を使ってください）。")
                % {"row": label, "name": row["name"]}
            )
        elif key in seen:
            problems.append(
                _("%(row)s: 「%(name)s」が重複しています。") % {"row": label, "name": row["name"]}
            )
        if not row["area"]:
            problems.append(_("%(row)s: 地域がありません。") % {"row": label})
        email = unicodedata.normalize("NFKC", row["email"])
        postal_code = unicodedata.normalize("NFKC", row["postal_code"]).replace("〒", "").strip()
        address = unicodedata.normalize("NFKC", row["address"]).strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(
                    _("%(row)s: メールアドレス「%(email)s」が正しくありません。")
                    % {"row": label, "email": row["email"]}
                )
        elif not address:
            problems.append(
                _("%(row)s: メールアドレスも住所もありません（郵送で依頼するには住所が必要です）。")
                % {"row": label}
            )
        if postal_code and not POSTAL_CODE.match(postal_code):
            problems.append(
                _("%(row)s: 郵便番号「%(code)s」が正しくありません（例: 520-0044）。")
                % {"row": label, "code": row["postal_code"]}
            )
        seen.add(key)
        new.append(
            Prospect(
                platform=survey.platform,
                survey=survey,
                name=row["name"][:200],
                folded_name=key,
                org_type=row["org_type"][:60] or _("その他"),
                area=row["area"][:60],
                email=email,
                postal_code=postal_code[:8],
                address=address[:200],
            )
        )
    if problems:
        raise ValidationError(problems)
    if not new:
        raise ValidationError(_("取り込む行がありません。"))
    Prospect.objects.bulk_create(new)
    log_action(
        "survey.prospects_imported",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={"count": len(new)},
    )
    return len(new)


@transaction.atomic
def do_add_prospect_from_directory(survey: Survey, organization: Any, *, area: str, actor: Actor) -> Prospect:
    """List one organisation of the directory (not a member) for this survey, ready to be invited."""
    key = fold(organization.name)
    area = area.strip()
    if organization.member_id or MemberOrganisation.objects.filter(name=organization.name).exists():
        raise ValidationError(
            _("「%(name)s」は既に会員です（会員には会員向けの招待を使ってください）。")
            % {"name": organization.name}
        )
    if Prospect.objects.filter(survey=survey, folded_name=key).exists():
        raise ValidationError(_("「%(name)s」は既に一覧にあります。") % {"name": organization.name})
    if not organization.email:
        raise ValidationError(
            _("「%(name)s」のメールアドレスが資源・窓口に登録されていません。") % {"name": organization.name}
        )
    if not area:
        raise ValidationError(_("地域を入力してください。"))
    prospect = Prospect.objects.create(
        platform=survey.platform,
        survey=survey,
        name=organization.name[:200],
        folded_name=key,
        org_type=(organization.legal_status or guess_org_type(organization.name))[:60] or _("その他"),
        area=area[:60],
        email=organization.email,
    )
    log_action(
        "survey.prospect_added_from_directory",
        by=actor,
        platform=survey.platform,
        obj=survey,
        data={"organization": str(organization.pk)},
    )
    return prospect


@transaction.atomic
def do_invite_prospects(survey: Survey, *, survey_url: str, actor: Any = None) -> list[mail.OutboxMail]:
    """An answer code for every listed organisation not yet invited, and one request mail each
    through the outbox (the link carries the code; the key makes a retry send nothing twice).

    An organisation with no e-mail address gets its code too, marked to be invited by letter
    (``do_print_letters`` prints it); no mail is queued for it."""
    if not survey.is_open:
        raise ValidationError(_("調査が回答受付中ではないため、依頼メールは送れません。"))
    pending = list(Prospect.objects.select_for_update().filter(survey=survey, invitation__isnull=True))
    mails: list[mail.OutboxMail] = []
    now = timezone.now()
    for prospect, code in zip(pending, unused_codes(survey, len(pending)), strict=True):
        invitation = Invitation.objects.create(
            platform=survey.platform,
            survey=survey,
            code=code,
            stratum=f"{prospect.org_type}／{prospect.area}",
        )
        prospect.invitation = invitation
        prospect.invited_at = now
        prospect.invited_by_letter = not prospect.email
        prospect.save(update_fields=["invitation", "invited_at", "invited_by_letter"])
        if prospect.invited_by_letter:
            continue
        context = _mail_context(survey, prospect, code, survey_url)
        mails.append(
            mail.queue_template(
                "surveys/email/prospect_invitation",
                context,
                to=[prospect.email],
                reply_to=[survey.platform.contact_email] if survey.platform.contact_email else None,
                platform=survey.platform,
                key=f"survey.prospect:{survey.uuid}:{prospect.uuid}",
                kind="survey.invitation",
            )
        )
    log_action(
        "survey.prospects_invited",
        actor=actor,
        platform=survey.platform,
        obj=survey,
        data={"count": len(mails), "letters": len(pending) - len(mails)},
    )
    return mails


# --- invitations by letter -----------------------------------------------------------------------


def do_print_letters(survey: Survey, prospects: list[Prospect], *, actor: Actor) -> bytes:
    """One A4 invitation letter per organisation: its address for a window envelope, the survey's
    URL, its own short invitation code and a QR code of the URL with the code (audited)."""
    from surveys.printing import qr_svg
    from tsunagari.lib.pdf import template_to_pdf

    if not prospects:
        raise ValidationError(_("郵送で依頼する未回答の団体はありません。"))
    survey_url = site_url("surveys:start", survey.platform.slug, survey.slug)
    letters = []
    for prospect in prospects:
        if prospect.invitation is None or not prospect.invited_by_letter:
            raise ValidationError(
                _("「%(name)s」には郵送の招待コードがありません。") % {"name": prospect.name}
            )
        url = f"{survey_url}?code={prospect.invitation.code}"
        letters.append(
            {"prospect": prospect, "code": prospect.invitation.code, "url": url, "qr": qr_svg(url)}
        )
    context = {"survey": survey, "platform": survey.platform, "letters": letters, "survey_url": survey_url}
    content = template_to_pdf("surveys/print/prospect_letters.html", context)
    log_action(
        "survey.prospect_letters_printed",
        by=actor,
        platform=survey.platform,
        obj=survey,
        data={"count": len(letters)},
    )
    return content


def do_export_csv(survey: Survey, *, actor: Actor) -> bytes:
    """The listed organisations, their state and their answers (one column per answer code)."""
    rows = listing(survey)
    codes = sorted(
        {code for row in rows if hasattr(row.prospect, "response") for code in row.prospect.response.answers}
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [_("団体名"), _("種別"), _("地域"), _("状況"), _("督促"), _("配信停止"), _("入会申込"), *codes]
    )
    for row in rows:
        p = row.prospect
        response = getattr(p, "response", None)
        state = _("回答済み") if p.answered else (_("依頼済み") if p.invited_at else _("未招待"))
        writer.writerow(
            [
                p.name,
                p.org_type,
                p.area,
                state,
                p.reminders_sent,
                _("あり") if p.opted_out_at else "",
                row.application.get_status_display() if row.application else "",
                *[(response.answers.get(code, "") if response is not None else "") for code in codes],
            ]
        )
    log_action(
        AuditEntry.EXPORT,
        by=actor,
        platform=survey.platform,
        obj=survey,
        data={"kind": "survey_non_members", "rows": len(rows)},
    )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# --- links in the mails --------------------------------------------------------------------------


def _mail_context(survey: Survey, prospect: Prospect, code: str, survey_url: str) -> dict[str, Any]:
    return {
        "survey": survey,
        "prospect": prospect,
        "code": code,
        "url": f"{survey_url}?code={code}",
        "platform": survey.platform,
        "stop_url": site_url("surveys:prospect_stop", survey.platform.slug, stop_token(prospect)),
    }


# --- reminders -----------------------------------------------------------------------------------


def do_remind_prospects(
    survey: Survey, *, actor: Actor, now: datetime.datetime | None = None
) -> list[mail.OutboxMail]:
    """One reminder through the outbox to every listed organisation that has not answered.

    Only while the survey is open and on a business day (no mail on a Sunday, a 祝日 or over
    年末年始); never to an organisation that stopped the mails; a week apart and at most
    twice; the key (organisation and reminder number) makes a re-run or a second process send
    nothing twice.
    """
    now = now or timezone.now()
    if not survey.is_open or not is_business_day(timezone.localtime(now).date()):
        return []
    survey_url = site_url("surveys:start", survey.platform.slug, survey.slug)
    mails: list[mail.OutboxMail] = []
    with transaction.atomic():
        for prospect in due_for_reminder(survey, now).select_for_update(of=("self",)):
            assert prospect.invitation is not None
            number = prospect.reminders_sent + 1
            context = {
                **_mail_context(survey, prospect, prospect.invitation.code, survey_url),
                "number": number,
            }
            mails.append(
                mail.queue_template(
                    "surveys/email/prospect_reminder",
                    context,
                    to=[prospect.email],
                    reply_to=[survey.platform.contact_email] if survey.platform.contact_email else None,
                    platform=survey.platform,
                    key=f"survey.prospect_reminder:{survey.uuid}:{prospect.uuid}:{number}",
                    kind="survey.reminder",
                    headers={"List-Unsubscribe": f"<{context['stop_url']}>"},
                )
            )
            prospect.reminders_sent = number
            prospect.last_reminded_at = now
            prospect.save(update_fields=["reminders_sent", "last_reminded_at"])
        if mails:
            log_action(
                "survey.prospects_reminded",
                by=actor,
                platform=survey.platform,
                obj=survey,
                label="" if actor.user else "scheduler",
                data={"count": len(mails)},
            )
    return mails


@transaction.atomic
def do_stop_prospect_mail(prospect: Prospect) -> bool:
    """The organisation follows the link in a mail: no more reminders (True the first time)."""
    stopped = Prospect.objects.filter(pk=prospect.pk, opted_out_at__isnull=True).update(
        opted_out_at=timezone.now()
    )
    if stopped:
        log_action(
            "survey.prospect_stopped",
            platform=prospect.platform,
            obj=prospect.survey,
            label="respondent",
            data={"prospect": str(prospect.uuid)},
        )
    return bool(stopped)


# --- from respondent to member -------------------------------------------------------------------

# The organisation template's 「参画を希望しますか」: 1 希望する, 2 検討中, 3 希望しない.
NO_JOIN = 3


def do_invite_prospect_to_join(prospect: Prospect, *, actor: Actor) -> mail.OutboxMail | None:
    """One click: mail an organisation that answered the membership application, pre-filled.

    The link opens the platform's own 入会申込 form with the organisation's name, type, area
    and address filled in (signed, so nobody can alter them in the link). Only for an answered
    survey, never after the organisation stopped the mails or already applied or is a member;
    a second click sends nothing (returns None) and the first is audited.
    """
    with transaction.atomic():
        prospect = (
            Prospect.objects.select_for_update(of=("self",))
            .select_related("invitation", "survey")
            .get(pk=prospect.pk)
        )
        if not prospect.answered:
            raise ValidationError(_("「%(name)s」はまだ回答していません。") % {"name": prospect.name})
        if prospect.opted_out_at is not None:
            raise ValidationError(_("「%(name)s」はメールの停止を求めています。") % {"name": prospect.name})
        if not prospect.email:
            raise ValidationError(
                _("「%(name)s」はメールアドレスがないため、入会申込の案内をメールで送れません。")
                % {"name": prospect.name}
            )
        response = Response.objects.filter(prospect=prospect).first()
        if response is not None and response.answers.get("join_intent") == NO_JOIN:
            raise ValidationError(
                _("「%(name)s」は回答で参画を希望しないと答えています。") % {"name": prospect.name}
            )
        if MemberOrganisation.objects.filter(normalised_name=normalise_name(prospect.name)[:120]).exists():
            raise ValidationError(_("「%(name)s」は既に会員です。") % {"name": prospect.name})
        if application_of(prospect) is not None or prospect.join_invited_at is not None:
            return None
        platform = prospect.platform
        token = prefill_token(
            {
                "name": prospect.name,
                "org_type": guess_org_type(prospect.org_type),
                "area": prospect.area,
                "email": prospect.email,
            }
        )
        context = {
            "prospect": prospect,
            "survey": prospect.survey,
            "platform": platform,
            "url": site_url("partnership:join", platform.slug) + "?" + urlencode({"prefill": token}),
            "stop_url": site_url("surveys:prospect_stop", platform.slug, stop_token(prospect)),
        }
        queued = mail.queue_template(
            "surveys/email/prospect_join",
            context,
            to=[prospect.email],
            reply_to=[platform.contact_email] if platform.contact_email else None,
            platform=platform,
            key=f"survey.prospect_join:{prospect.uuid}",
            kind="survey.join_invitation",
        )
        prospect.join_invited_at = timezone.now()
        prospect.save(update_fields=["join_invited_at"])
        log_action(
            "survey.prospect_join_invited",
            by=actor,
            platform=platform,
            obj=prospect.survey,
            data={"prospect": str(prospect.uuid), "org_type": guess_org_type(prospect.org_type)},
        )
    return queued


# --- from an answer to a draft directory entry ---------------------------------------------------

# The organisation template's 「ポータルサイトへの掲載を希望しますか」: 1 希望する, 2 希望しない.
NO_PORTAL = 2


@transaction.atomic
def do_draft_directory_entry(prospect: Prospect, *, actor: Actor) -> Any:
    """A draft directory organisation and service (not published) from a non-member's answers.

    Pre-filled from the list (name, type, e-mail) and the answers (service name, description,
    target, hours, URL); the secretariat reviews and publishes it in the directory as any other
    unpublished service. Only for a submitted answer that did not refuse the listing; refused a
    second time for the same answer; audited.
    """
    from directory.models import Organization, Service
    from surveys.services.organisations import DIRECTORY_FIELDS

    prospect = Prospect.objects.select_for_update(of=("self",)).get(pk=prospect.pk)
    response = (
        Response.objects.select_for_update().filter(prospect=prospect, submitted_at__isnull=False).first()
    )
    if response is None:
        raise ValidationError(_("「%(name)s」はまだ回答していません。") % {"name": prospect.name})
    if response.exported_service_uuid is not None:
        raise ValidationError(
            _("「%(name)s」の回答からは既に資源・窓口の下書きを作っています。") % {"name": prospect.name}
        )
    answers = response.answers
    if answers.get("portal_consent") == NO_PORTAL:
        raise ValidationError(
            _("「%(name)s」は回答でポータルサイトへの掲載を希望しないと答えています。")
            % {"name": prospect.name}
        )
    key = fold(prospect.name)
    organization = next(
        (
            o
            for o in Organization.objects.filter(member__isnull=True, name=prospect.name)
            if fold(o.name) == key
        ),
        None,
    ) or Organization.objects.create(
        platform=prospect.platform,
        name=prospect.name[:300],
        email=prospect.email,
        legal_status=prospect.org_type[:200],
    )
    values = {field: str(answers.get(code) or "").strip() for code, field in DIRECTORY_FIELDS.items()}
    service = Service(
        platform=prospect.platform,
        organization=organization,
        name=(values.pop("name") or prospect.name)[:300],
        email=prospect.email,
        is_published=False,
        **{k: v for k, v in values.items() if v},
    )
    try:
        service.full_clean(exclude=["organization", "platform", "member"])
    except ValidationError as error:
        raise ValidationError(
            [
                _("「%(name)s」の回答: %(problem)s") % {"name": prospect.name, "problem": m}
                for m in error.messages
            ]
        ) from error
    service.save()
    response.exported_service_uuid = service.uuid
    response.exported_at = timezone.now()
    response.save(update_fields=["exported_service_uuid", "exported_at"])
    log_action(
        "survey.prospect_directory_draft",
        by=actor,
        platform=prospect.platform,
        obj=prospect.survey,
        data={"prospect": str(prospect.uuid), "service": str(service.uuid)},
    )
    return service


# --- other platforms' member registers, where shared ----------------------------------------------


@transaction.atomic
def do_set_register_sharing(platform: Any, shares: bool, *, actor: Actor) -> None:
    """Turn on (or off) the sharing of this platform's member register with other platforms'
    organisation surveys (audited)."""
    from surveys.models import RegisterSharing

    RegisterSharing.objects.update_or_create(
        platform=platform, defaults={"shares_register": shares, "updated_by": actor.user}
    )
    log_action(
        "survey.register_sharing_changed", by=actor, platform=platform, data={"shares_register": shares}
    )


@transaction.atomic
def do_add_prospects_from_register(
    survey: Survey, source: Any, member_uuids: list[str], *, area: str = "", actor: Actor
) -> int:
    """List the chosen members of another platform's shared register for this survey (audited)."""
    if not member_uuids:
        raise ValidationError(_("加える団体を選んでください。"))
    available = {m.uuid: m for m in shared_register(survey, source)}
    missing = [u for u in member_uuids if u not in available]
    if missing:
        raise ValidationError(
            _(
                "選んだ団体のうち%(n)d団体は、共有された名簿から加えられません（既に一覧にある・会員である・共有が止められたなど）。"
            )
            % {"n": len(missing)}
        )
    problems = []
    new = []
    for member in (available[u] for u in dict.fromkeys(member_uuids)):
        member_area = member.area or area.strip()
        if not member_area:
            problems.append(_("「%(name)s」: 地域を入力してください。") % {"name": member.name})
            continue
        new.append(
            Prospect(
                platform=survey.platform,
                survey=survey,
                name=member.name[:200],
                folded_name=fold(member.name),
                org_type=member.org_type[:60],
                area=member_area[:60],
                email=member.email,
                postal_code=member.postal_code,
                address=member.address,
                source_platform=source,
            )
        )
    if problems:
        raise ValidationError(problems)
    Prospect.objects.bulk_create(new)
    log_action(
        "survey.prospects_added_from_register",
        by=actor,
        platform=survey.platform,
        obj=survey,
        data={"count": len(new), "source_platform": source.slug},
    )
    return len(new)
