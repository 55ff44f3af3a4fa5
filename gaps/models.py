"""Gap analysis models: Ichihara's departments, signs of isolation and their touch points (seed 001, 4-5-13).

The tables were created by the directory app, before gap analysis became an app of its own; they
keep their names (``db_table``), so existing data stays where it is.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from directory.models import Service
from tsunagari.lib.tenancy import TenantModel


class Department(TenantModel):
    """A department (部局) of the local government, for Ichihara's touch-point matrix (seed 001, 4-5-13)."""

    name = models.CharField(_("部局名"), max_length=100)
    duties = models.CharField(_("関連する業務の例"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("順番"), default=0)

    class Meta:
        db_table = "directory_department"  # the table of before the app was split out of directory
        verbose_name = _("部局")
        verbose_name_plural = _("部局")
        ordering = ["position", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["platform", "name"], name="department_name_unique")]

    def __str__(self) -> str:
        return self.name


class IsolationSignal(TenantModel):
    """A sign of isolation that a department meets in its ordinary work (税・水道料金の滞納, 繰り返す救急要請 …)."""

    name = models.CharField(_("孤立のサイン"), max_length=100)
    description = models.CharField(_("説明"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("順番"), default=0)

    class Meta:
        db_table = "directory_isolationsignal"
        verbose_name = _("孤立のサイン")
        verbose_name_plural = _("孤立のサイン")
        ordering = ["position", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "name"], name="isolation_signal_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class TouchPoint(TenantModel):
    """Department × signal: the department meets this signal and hands the person over to ``services``."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="touch_points")
    signal = models.ForeignKey(IsolationSignal, on_delete=models.CASCADE, related_name="touch_points")
    situation = models.CharField(
        _("接点となる場面"), max_length=300, blank=True, help_text=_("例: 納付相談の窓口、督促の電話")
    )
    services = models.ManyToManyField(
        Service,
        verbose_name=_("つなぐ先の窓口"),
        blank=True,
        related_name="+",
        db_table="directory_touchpoint_services",
    )
    handover = models.TextField(
        _("つなぎ方"), max_length=1000, blank=True, help_text=_("例: 本人の同意を得て、電話で担当者につなぐ")
    )

    class Meta:
        db_table = "directory_touchpoint"
        verbose_name = _("部局の接点")
        verbose_name_plural = _("部局の接点")
        ordering = ["department__position", "signal__position", "id"]
        constraints = [models.UniqueConstraint(fields=["department", "signal"], name="touch_point_unique")]

    def __str__(self) -> str:
        return f"{self.department} × {self.signal}"
