"""A platform's creation (by the operator, from the command or the admin site) and the setup steps
the apps above register for every new platform."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from audit.services import log_action
from platforms.models import Platform
from tsunagari.lib import jiscode

# What every new platform needs from the apps above (partnership: its default member tiers).
# Apps add their step from AppConfig.ready(); do_create_platform and the admin run them all, in
# the platform's own transaction.
_setup_steps: list[Callable[[Platform], None]] = []


def on_platform_created(step: Callable[[Platform], None]) -> None:
    if step not in _setup_steps:
        _setup_steps.append(step)


def set_up(platform: Platform) -> None:
    """Run every app's setup step for a newly created platform."""
    for step in _setup_steps:
        step(platform)


@transaction.atomic
def do_create_platform(*, slug: str, code: str, name: str, owner_name: str = "") -> Platform:
    """Create a platform after validating slug and 団体コード; raises ValidationError."""
    jiscode.validate_code(code)
    if Platform.objects.filter(slug=slug).exists():
        raise ValidationError(_("スラッグ「%(slug)s」は既に使われています。") % {"slug": slug})
    if Platform.objects.filter(code=code).exists():
        raise ValidationError(_("団体コード %(code)s のプラットフォームは既にあります。") % {"code": code})
    platform = Platform(slug=slug, code=code, name=name, owner_name=owner_name or name)
    platform.full_clean()
    platform.save()
    set_up(platform)
    log_action("platform.created", platform=platform, obj=platform, label="operator")
    return platform
