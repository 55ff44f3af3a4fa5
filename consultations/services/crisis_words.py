"""A platform's own crisis words: added and removed by its secretariat, each change audited."""

from __future__ import annotations

import unicodedata

from django.db import IntegrityError, transaction

from accounts.permissions import Actor
from audit.services import log_action
from consultations.crisis_rules import fold
from consultations.models import CrisisWord
from platforms.models import Platform


class DuplicateCrisisWord(ValueError):
    pass


def do_add_crisis_word(platform: Platform, word: str, *, actor: Actor) -> CrisisWord:
    """Add ``word`` (stored width-normalised, ﾌﾞﾛﾝ as ブロン; compared folded: width, case,
    kana, blanks)."""
    word = unicodedata.normalize("NFKC", word).strip()
    folded = fold(word)
    if not folded:
        raise ValueError("a crisis word needs a letter or digit")
    try:
        with transaction.atomic():
            item = CrisisWord.objects.create(platform=platform, word=word, folded=folded, added_by=actor.user)
            # The word is configuration, not anyone's message: it is kept in the log.
            log_action(
                "consultation.crisis_word_added",
                by=actor,
                platform=platform,
                obj=item,
                data={"word": word},
            )
    except IntegrityError as error:
        raise DuplicateCrisisWord(word) from error
    return item


def do_remove_crisis_word(item: CrisisWord, *, actor: Actor) -> None:
    with transaction.atomic():
        log_action(
            "consultation.crisis_word_removed",
            by=actor,
            platform=item.platform,
            obj=item,
            data={"word": item.word},
        )
        item.delete()
