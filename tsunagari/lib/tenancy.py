"""Tenancy building blocks: the fail-closed scoped manager and the abstract tenant model.

Every row of a platform's data belongs to one ``platforms.Platform`` and is read through a
django-scopes ``ScopedManager``: inside ``django_scopes.scope(platform=...)`` (entered by the
platform middleware, by ``PlatformCommand`` and by tasks) it returns only that platform's rows;
outside any scope every query raises ``ScopeError`` instead of returning all tenants.

This module imports no app: the platform is referred to by the string ``"platforms.Platform"``.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

__all__ = ["TenantModel", "scoped_manager"]


def scoped_manager(queryset_class: type[models.QuerySet[Any]] | None = None) -> models.Manager[Any]:
    """The manager every tenant model uses: queries fail closed outside a platform scope.

    ``scoped_manager(MyQuerySet)`` keeps the queryset's methods on the manager.
    """
    base = models.Manager.from_queryset(queryset_class) if queryset_class else models.Manager
    return ScopedManager(_manager_class=base, platform="platform")


class TenantModel(models.Model):
    """Abstract base of a platform's rows: ``uuid`` (for URLs), ``platform``, timestamps, scope.

    Subclasses with their own queryset set ``objects: ClassVar = scoped_manager(TheirQuerySet)``
    (``ClassVar``: to mypy the inherited manager is a class variable, the plugin infers the rest).
    Look rows up by ``uuid`` inside the platform's scope; never put ``pk`` in a URL.
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    platform = models.ForeignKey(
        "platforms.Platform",
        verbose_name=_("プラットフォーム"),
        on_delete=models.CASCADE,
        related_name="%(app_label)s_%(class)s_set",
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    objects = scoped_manager()

    class Meta:
        abstract = True
