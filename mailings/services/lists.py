"""Lists, their editors, imports of existing consents and the subscriber export (audited)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import Actor
from audit.services import log_action
from mailings.models import Editor, MailingList, Subscriber
from mailings.services.subscriptions import do_subscribe


def do_create_list(mailing_list: MailingList, *, actor: Actor) -> MailingList:
    """Save a new list (built by the form) on the actor's platform; a taken URL name is refused."""
    if actor.platform is None:
        raise ValueError("a mailing list is created on a platform")
    mailing_list.platform = actor.platform
    try:
        with transaction.atomic():
            mailing_list.save()
            log_action("mailings.list_create", by=actor, obj=mailing_list)
    except IntegrityError:
        raise ValidationError(_("このURL名は既に使われています。"), code="slug") from None
    return mailing_list


@transaction.atomic
def do_add_editor(mailing_list: MailingList, user: User, *, actor: Actor) -> Editor:
    order = Editor.objects.filter(mailing_list=mailing_list).count()
    editor, _created = Editor.objects.get_or_create(
        mailing_list=mailing_list, user=user, defaults={"platform": mailing_list.platform, "order": order}
    )
    log_action("mailings.editor_add", by=actor, obj=mailing_list)
    return editor


def do_import_subscribers(mailing_list: MailingList, text: str, *, actor: Actor) -> tuple[int, list[str]]:
    """``e-mail[,name]`` per line, consents given before: each line on its own, errors by line."""
    done, errors = 0, []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        email, _sep, name = line.partition(",")
        try:
            do_subscribe(
                mailing_list,
                email.strip(),
                name=name.strip(),
                confirmed=True,
                source=Subscriber.Source.IMPORT,
                consent_text=_("事務局が取り込み（既存の同意）"),
                actor=actor,
            )
            done += 1
        except ValidationError as error:
            errors.append(
                _("%(n)d行目（%(v)s）: %(e)s") % {"n": number, "v": line.strip()[:60], "e": error.messages[0]}
            )
    return done, errors


@transaction.atomic
def do_record_export(mailing_list: MailingList, *, actor: Actor) -> None:
    """The subscriber list left the system (personal data): who took it, when."""
    log_action("mailings.export", by=actor, obj=mailing_list)
