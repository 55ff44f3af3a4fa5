"""The members' board: notices, requests, grant information and members' activities, with
comments and checked attachments; a member's post reaches the public portal only when the
secretariat approves it; umbrella bodies mail a notice to their own members through the outbox
(each mail with its unsubscribe link) and the reach is counted."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.services import log_action
from network import files, tokens
from network.models import Attachment, Comment, Forward, Notice, Umbrella, UmbrellaRecipient
from network.queries import can_change, can_delete_file
from network.services import reminders
from network.services.common import platform_of, require_active
from partnership.models import MemberOrganisation
from tsunagari.lib import mail
from tsunagari.lib.japanese import normalise


class Upload(Protocol):
    """What a form gives for a file (Django's ``UploadedFile``): its name, claimed size, content."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


def search_text(notice: Notice) -> str:
    return normalise(" ".join([notice.title, notice.body, notice.topic, notice.area, notice.funder]))


def _checked(uploads: Iterable[Upload]) -> list[files.Checked]:
    """Every upload checked before anything is written; all refusals at once, by file."""
    uploads = list(uploads)
    if len(uploads) > files.MAX_FILES:
        raise ValidationError(_("添付できるファイルは%(n)s個までです。") % {"n": files.MAX_FILES})
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(files.check(upload.name or "", upload.chunks(), declared_size=upload.size))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ValidationError({"attachments": problems})
    return checked


def _attach(
    actor: Actor, notice: Notice, checked: list[files.Checked], comment: Comment | None = None
) -> None:
    if not checked:
        return
    user = actor.user
    if user is None:
        raise ValidationError(_("添付にはログインが必要です。"))
    for item in checked:
        Attachment.objects.create(
            platform=platform_of(actor),
            notice=notice,
            comment=comment,
            filename=item.filename,
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            content=item.content,
            uploaded_by=user,
            scan=item.scan,
            scan_engine=item.scan_engine,
        )


def _validated(
    *,
    kind: str,
    audience: str,
    title: str,
    body: str,
    funder: str,
    deadline: datetime.date | None,
    uploads: Iterable[Upload],
) -> list[files.Checked]:
    """The post's fields and files checked together; every refusal at once, by field."""
    errors: dict[str, str | list[str]] = {}
    if kind not in Notice.Kind.values:
        errors["kind"] = _("種類が正しくありません。")
    if audience not in Notice.Audience.values:
        errors["audience"] = _("公開範囲が正しくありません。")
    if not title.strip():
        errors["title"] = _("件名を入力してください。")
    if not body.strip():
        errors["body"] = _("本文を入力してください。")
    if kind == Notice.Kind.GRANT:
        if not funder.strip():
            errors["funder"] = _("助成・補助の情報には助成元を入力してください。")
        if deadline is None:
            errors["deadline"] = _("助成・補助の情報には締切を入力してください。")
    checked: list[files.Checked] = []
    try:
        checked = _checked(uploads)
    except ValidationError as error:
        errors["attachments"] = error.messages
    if errors:
        raise ValidationError(errors)
    return checked


@transaction.atomic
def do_post_notice(
    actor: Actor,
    *,
    kind: str,
    title: str,
    body: str,
    author: MemberOrganisation | None = None,
    audience: str = Notice.Audience.MEMBERS,
    topic: str = "",
    area: str = "",
    funder: str = "",
    amount_yen: int | None = None,
    deadline: datetime.date | None = None,
    eligibility: str = "",
    link: str = "",
    published_at: datetime.datetime | None = None,
    uploads: Iterable[Upload] = (),
) -> Notice:
    """Post on the board; a member posts as itself (and not after it left), the secretariat as the platform.

    A member's post asked to be public stays members-only until the secretariat approves it."""
    if author is not None:
        require_active(author)
    checked = _validated(
        kind=kind,
        audience=audience,
        title=title,
        body=body,
        funder=funder,
        deadline=deadline,
        uploads=uploads,
    )
    public_requested = author is not None and audience == Notice.Audience.PUBLIC
    notice = Notice(
        platform=platform_of(actor),
        kind=kind,
        audience=Notice.Audience.MEMBERS if public_requested else audience,
        public_requested=public_requested,
        author=author,
        title=title.strip(),
        body=body,
        topic=topic,
        area=area,
        funder=funder,
        amount_yen=amount_yen,
        deadline=deadline,
        eligibility=eligibility,
        link=link,
        published_at=published_at or timezone.now(),
    )
    notice.search_text = search_text(notice)
    notice.save()
    _attach(actor, notice, checked)
    mailed = reminders.queue_new_post(
        platform_of(actor), notice, poster_id=actor.user.pk if actor.user else None
    )
    log_action(
        "network.notice_posted",
        by=actor,
        platform=platform_of(actor),
        obj=notice,
        data={"kind": kind, "audience": audience, "files": len(checked), "mailed": mailed},
    )
    return notice


EDITABLE = (
    "kind",
    "title",
    "body",
    "topic",
    "area",
    "funder",
    "amount_yen",
    "deadline",
    "eligibility",
    "link",
)


def _require_can_change(notice: Notice, member: MemberOrganisation | None) -> None:
    if notice.withdrawn_at is not None:
        raise ValidationError(_("この掲示は取り下げられています。"))
    if not can_change(notice, member):
        raise PermissionDenied(_("自団体の掲示だけを変更・取り下げできます。"))
    if member is not None:
        require_active(member)


@transaction.atomic
def do_update_notice(
    actor: Actor,
    notice: Notice,
    *,
    member: MemberOrganisation | None,
    kind: str,
    title: str,
    body: str,
    audience: str = Notice.Audience.MEMBERS,
    topic: str = "",
    area: str = "",
    funder: str = "",
    amount_yen: int | None = None,
    deadline: datetime.date | None = None,
    eligibility: str = "",
    link: str = "",
    uploads: Iterable[Upload] = (),
) -> Notice:
    """The author (``member``) or the secretariat (``None``) edits a post, pending or published.

    A member's post that is on the public portal goes back to members-only and waits for the
    secretariat's approval again (what was approved is not what is there now)."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _require_can_change(notice, member)
    checked = _validated(
        kind=kind,
        audience=audience,
        title=title,
        body=body,
        funder=funder,
        deadline=deadline,
        uploads=uploads,
    )
    values = {
        "kind": kind,
        "title": title.strip(),
        "body": body,
        "topic": topic,
        "area": area,
        "funder": funder,
        "amount_yen": amount_yen,
        "deadline": deadline,
        "eligibility": eligibility,
        "link": link,
    }
    changed = sorted(name for name in EDITABLE if getattr(notice, name) != values[name])
    wants_public = audience == Notice.Audience.PUBLIC
    was_public = notice.audience == Notice.Audience.PUBLIC
    if notice.author_id is not None and member is not None:  # the author: the public portal needs approval
        reapproval = was_public and wants_public and bool(changed or checked)
        audience_changed = wants_public != (was_public or notice.public_requested)
        notice.public_requested = wants_public
        notice.audience = Notice.Audience.MEMBERS if wants_public else audience
        if was_public and wants_public and not reapproval:
            notice.audience, notice.public_requested = Notice.Audience.PUBLIC, False
    else:  # the secretariat decides the audience itself
        reapproval = False
        audience_changed = audience != notice.audience
        notice.audience = audience
        notice.public_requested = notice.public_requested and not wants_public
    if not changed and not checked and not audience_changed:
        raise ValidationError(_("変更された項目がありません。"))
    for name, value in values.items():
        setattr(notice, name, value)
    notice.search_text = search_text(notice)
    notice.save()
    _attach(actor, notice, checked)
    log_action(
        "network.notice_updated",
        by=actor,
        platform=platform_of(actor),
        obj=notice,
        data={
            "fields": changed + (["audience"] if audience_changed else []),
            "files": len(checked),
            "reapproval": reapproval,
        },
    )
    return notice


@transaction.atomic
def do_withdraw_notice(actor: Actor, notice: Notice, *, member: MemberOrganisation | None) -> Notice:
    """The author or the secretariat takes a post down: it leaves the board and the public portal.

    The row, its comments and files stay (the audit and the reach counted keep their meaning)."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    _require_can_change(notice, member)
    notice.withdrawn_at = timezone.now()
    notice.public_requested = False
    notice.save(update_fields=["withdrawn_at", "public_requested", "updated_at"])
    log_action(
        "network.notice_withdrawn",
        by=actor,
        platform=platform_of(actor),
        obj=notice,
        data={"audience": notice.audience, "by_author": member is not None},
    )
    return notice


@transaction.atomic
def do_delete_attachment(actor: Actor, attachment: Attachment, *, member: MemberOrganisation | None) -> None:
    """Delete a file (its name, size and SHA-256 stay in the audit log)."""
    attachment = (
        Attachment.objects.select_related("notice", "comment")
        .select_for_update(of=("self",))
        .get(pk=attachment.pk)
    )
    if not can_delete_file(attachment, member):
        raise PermissionDenied(_("自団体の掲示・コメントのファイルだけを削除できます。"))
    if member is not None:
        require_active(member)
    notice = attachment.notice
    data = {"filename": attachment.filename, "size": attachment.size, "sha256": attachment.sha256}
    attachment.delete()
    log_action("network.attachment_deleted", by=actor, platform=platform_of(actor), obj=notice, data=data)


@transaction.atomic
def do_decide_public(actor: Actor, notice: Notice, *, approve: bool) -> Notice:
    """The secretariat puts a member's post on the public portal, or keeps it members-only."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if not notice.public_requested or notice.withdrawn_at is not None:
        raise ValidationError(_("この掲示には公開の申請がありません（処理済みかもしれません）。"))
    notice.public_requested = False
    if approve:
        notice.audience = Notice.Audience.PUBLIC
    notice.save(update_fields=["public_requested", "audience", "updated_at"])
    log_action(
        "network.notice_made_public" if approve else "network.notice_kept_members_only",
        by=actor,
        platform=platform_of(actor),
        obj=notice,
    )
    return notice


@transaction.atomic
def do_comment(
    actor: Actor,
    notice: Notice,
    *,
    body: str,
    member: MemberOrganisation | None = None,
    uploads: Iterable[Upload] = (),
) -> Comment:
    """A member (or the secretariat, ``member=None``) comments under a post it can read."""
    if member is not None:
        require_active(member)
    if actor.user is None:
        raise ValidationError(_("コメントにはログインが必要です。"))
    errors: dict[str, str | list[str]] = {}
    if not body.strip():
        errors["body"] = _("コメントを入力してください。")
    elif len(body) > 2000:
        errors["body"] = _("コメントは2000字以内にしてください（いま%(n)s字）。") % {"n": len(body)}
    try:
        checked = _checked(uploads)
    except ValidationError as error:
        errors["attachments"] = error.messages
    if errors:
        raise ValidationError(errors)
    comment = Comment.objects.create(
        platform=platform_of(actor), notice=notice, member=member, user=actor.user, body=body.strip()
    )
    _attach(actor, notice, checked, comment)
    log_action(
        "network.comment_posted",
        by=actor,
        platform=platform_of(actor),
        obj=notice,
        data={"comment": str(comment.uuid), "files": len(checked)},
    )
    return comment


@transaction.atomic
def do_set_umbrella(
    actor: Actor, member: MemberOrganisation, *, member_count: int, listed_members: str = ""
) -> Umbrella:
    listed = [line.strip() for line in listed_members.splitlines() if line.strip()]
    if member_count < 1:
        raise ValidationError(_("傘下の団体数は1以上にしてください。"))
    if len(listed) > member_count:
        raise ValidationError(
            _("傘下の団体が%(listed)s件書かれていますが、団体数は%(count)sです。")
            % {"listed": len(listed), "count": member_count}
        )
    umbrella, _created = Umbrella.objects.update_or_create(
        member=member,
        defaults={
            "platform": platform_of(actor),
            "member_count": member_count,
            "listed_members": "\n".join(listed),
        },
    )
    log_action(
        "network.umbrella_set",
        by=actor,
        platform=platform_of(actor),
        obj=umbrella,
        data={"member_count": member_count},
    )
    return umbrella


def _email_key(email: str) -> str:
    return unicodedata.normalize("NFKC", email or "").strip().lower()


@transaction.atomic
def do_set_recipients(actor: Actor, umbrella: Umbrella, text: str) -> dict[str, int]:
    """The umbrella's own members to mail, one 「団体名,メールアドレス」 a line (a tab or 、 works too).

    All or nothing: a bad line is refused with its number. Addresses already listed keep their
    unsubscribe; addresses no longer listed are removed."""
    require_active(umbrella.member)
    rows: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = unicodedata.normalize("NFKC", raw).strip()
        if not line:
            continue
        for separator in ("\t", "、", ","):
            if separator in line:
                name, _sep, email = line.rpartition(separator)
                break
        else:
            problems.append(_("%(n)s行目: 「団体名,メールアドレス」の形で書いてください。") % {"n": number})
            continue
        name, key = name.strip(), _email_key(email)
        try:
            validate_email(key)
        except ValidationError:
            problems.append(
                _("%(n)s行目: メールアドレス「%(email)s」の形式が正しくありません。")
                % {"n": number, "email": email.strip()}
            )
            continue
        if not name:
            problems.append(_("%(n)s行目: 団体名がありません。") % {"n": number})
        elif key in rows:
            problems.append(
                _("%(n)s行目: %(email)s は%(name)sと重複しています。")
                % {"n": number, "email": key, "name": rows[key][0]}
            )
        else:
            rows[key] = (name, email.strip())
    if len(rows) > umbrella.member_count:
        problems.append(
            _("送付先が%(rows)s件ありますが、傘下の団体数は%(count)sです。")
            % {"rows": len(rows), "count": umbrella.member_count}
        )
    if problems:
        raise ValidationError(problems)
    existing = {r.email_key: r for r in UmbrellaRecipient.objects.filter(umbrella=umbrella)}
    UmbrellaRecipient.objects.filter(umbrella=umbrella).exclude(email_key__in=rows).delete()
    for key, (name, email) in rows.items():
        if key in existing:
            if existing[key].name != name:
                existing[key].name = name
                existing[key].save(update_fields=["name", "updated_at"])
        else:
            UmbrellaRecipient.objects.create(
                platform=platform_of(actor), umbrella=umbrella, name=name, email=email, email_key=key
            )
    log_action(
        "network.recipients_set",
        by=actor,
        platform=platform_of(actor),
        obj=umbrella,
        data={"recipients": len(rows)},
    )
    return {"recipients": len(rows), "kept": len(set(existing) & set(rows))}


@transaction.atomic
def do_forward(actor: Actor, notice: Notice, umbrella: Umbrella) -> Forward:
    """The umbrella mails ``notice`` to each of its listed members that has not unsubscribed
    (through the outbox, once per notice and address); reach = the members mailed."""
    require_active(umbrella.member)
    if notice.withdrawn_at is not None:
        raise ValidationError(_("取り下げられた掲示は転送できません。"))
    umbrella = Umbrella.objects.select_for_update().get(pk=umbrella.pk)
    existing = Forward.objects.filter(notice=notice, umbrella=umbrella).first()
    if existing is not None:
        return existing
    recipients = list(umbrella.recipients.filter(unsubscribed_at__isnull=True))
    if not recipients:
        raise ValidationError(
            _("%(name)s の傘下団体の送付先（メールアドレス）が登録されていません。")
            % {"name": umbrella.member.name}
        )
    platform = platform_of(actor)
    forward = Forward.objects.create(
        platform=platform,
        notice=notice,
        umbrella=umbrella,
        reach=len(recipients),
        mailed=len(recipients),
        forwarded_at=timezone.now(),
    )
    attachments = list(notice.attachments.filter(comment=None).defer("content"))
    for recipient in recipients:
        link = tokens.recipient_unsubscribe_url(recipient)
        mail.queue_template(
            "network/email/forward",
            {
                "notice": notice,
                "umbrella": umbrella,
                "recipient": recipient,
                "platform": platform,
                "unsubscribe": link,
                "files": [(a.filename, a.size, tokens.file_link(a, recipient)) for a in attachments],
                "link_days": tokens.FILE_LINK_DAYS,
            },
            to=[recipient.email],
            platform=platform,
            key=f"network.forward:{notice.uuid}:{recipient.uuid}",
            kind="network.forward",
            reply_to=[umbrella.member.email],
            headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
    log_action(
        "network.notice_forwarded",
        by=actor,
        platform=platform,
        obj=notice,
        data={"umbrella": str(umbrella.uuid), "reach": forward.reach, "files": len(attachments)},
    )
    return forward


@transaction.atomic
def do_unsubscribe_recipient(recipient: UmbrellaRecipient) -> bool:
    """The one-click unsubscribe from an umbrella's forwarded mail; False if done already."""
    recipient = UmbrellaRecipient.objects.select_for_update().get(pk=recipient.pk)
    if recipient.unsubscribed_at is not None:
        return False
    recipient.unsubscribed_at = timezone.now()
    recipient.save(update_fields=["unsubscribed_at", "updated_at"])
    log_action("network.recipient_unsubscribed", platform=recipient.platform, obj=recipient.umbrella)
    return True
