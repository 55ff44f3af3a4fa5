"""A platform's own crisis words, added by its secretariat on top of the built-in rules
(``consultations.crisis_rules``): a local bridge's name, a slang word young people use there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tsunagari.lib.tenancy import TenantModel


class CrisisWord(TenantModel):
    word = models.CharField(_("語"), max_length=40)
    # The word width-, case- and kana-folded without blanks (ｵｰﾊﾞｰﾄﾞｰｽﾞ = おーばーどーず): one
    # row per folded word, and what messages are compared with.
    folded = models.CharField(max_length=80, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("危機の語")
        verbose_name_plural = _("危機の語")
        ordering = ["folded"]
        constraints = [models.UniqueConstraint(fields=["platform", "folded"], name="unique_crisis_word")]

    def __str__(self) -> str:
        return self.word
