from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from partnership.models import MemberTier
from platforms.models import Platform


@transaction.atomic
def do_create_default_tiers(platform: Platform) -> None:
    """Every platform starts with 幹事団体 (may recommend) and 一般団体 (default), as in Gifu."""
    MemberTier.objects.with_scope(platform=platform).get_or_create(
        platform=platform, name=_("幹事団体"), defaults={"order": 1, "can_recommend": True}
    )
    MemberTier.objects.with_scope(platform=platform).get_or_create(
        platform=platform, name=_("一般団体"), defaults={"order": 2, "is_default": True}
    )
