"""Ichihara's department touch-point matrix (seed 001, 4-5-13 「社会的なつながり」と各部局の関係).

市原市 showed every department that its ordinary work meets people at risk of isolation:
財政部 sees tax arrears (納税状況・債権管理), 水道部 water-charge arrears, 消防局 people who
call the ambulance again and again, 環境部 rubbish troubles, 教育 truancy and unpaid school
meals. The matrix is department × signal of isolation; each cell says where the
department meets the signal and which service it should hand the person over to.
Writes here, as ``do_*`` functions (one transaction, one audit entry each); the matrix itself is
``gaps.queries.touch_matrix``.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from directory.models import Service
from gaps.models import Department, IsolationSignal, TouchPoint
from gaps.queries import touch_matrix, touch_points
from platforms.models import Platform
from tsunagari.lib.downloads import csv_writer

# --- writes ---------------------------------------------------------------------------------------


def _next_position(model: type[Department] | type[IsolationSignal]) -> int:
    return (model.objects.aggregate(m=Max("position"))["m"] or 0) + 1


def _log(action: str, obj: Model, actor: Actor, data: dict[str, Any] | None = None) -> None:
    log_action(action, by=actor, obj=obj, data=data)


def _save_named(obj: Department | IsolationSignal, action: str, actor: Actor) -> None:
    try:
        with transaction.atomic():
            obj.save()
            _log(action, obj, actor, {"name": obj.name})
    except IntegrityError as error:
        raise ValidationError(_("「%(name)s」は既に登録されています。") % {"name": obj.name}) from error


def do_add_department(platform: Platform, name: str, duties: str, *, actor: Actor) -> Department:
    department = Department(platform=platform, name=name, duties=duties, position=_next_position(Department))
    _save_named(department, "directory.department_added", actor)
    return department


def do_add_signal(platform: Platform, name: str, description: str, *, actor: Actor) -> IsolationSignal:
    signal = IsolationSignal(
        platform=platform, name=name, description=description, position=_next_position(IsolationSignal)
    )
    _save_named(signal, "directory.signal_added", actor)
    return signal


def do_update_named(obj: Department | IsolationSignal, values: dict[str, Any], *, actor: Actor) -> None:
    for key, value in values.items():
        setattr(obj, key, value)
    action = "directory.department_changed" if isinstance(obj, Department) else "directory.signal_changed"
    _save_named(obj, action, actor)


def do_delete_named(obj: Department | IsolationSignal, *, actor: Actor) -> None:
    """Delete a department or a signal with its touch points."""
    with transaction.atomic():
        action = "directory.department_deleted" if isinstance(obj, Department) else "directory.signal_deleted"
        _log(action, obj, actor, {"name": obj.name, "touch_points": obj.touch_points.count()})
        obj.delete()


def do_save_touch_point(
    platform: Platform,
    department: Department,
    signal: IsolationSignal,
    *,
    situation: str,
    handover: str,
    services: Sequence[Service],
    actor: Actor,
) -> TouchPoint:
    """Create or update the cell department × signal."""
    with transaction.atomic():
        point, created = TouchPoint.objects.update_or_create(
            platform=platform,
            department=department,
            signal=signal,
            defaults={"situation": situation, "handover": handover},
        )
        point.services.set(services)
        _log(
            "directory.touch_point_saved",
            point,
            actor,
            {"created": created, "services": [str(s.uuid) for s in services]},
        )
    return point


def do_delete_touch_point(point: TouchPoint, *, actor: Actor) -> None:
    with transaction.atomic():
        _log("directory.touch_point_deleted", point, actor)
        point.delete()


# --- export ---------------------------------------------------------------------------------------


def _rows() -> list[list[str]]:
    header = [
        _("部局"),
        _("関連する業務の例"),
        _("孤立のサイン"),
        _("接点となる場面"),
        _("つなぐ先の窓口"),
        _("つなぎ方"),
    ]
    rows = [header]
    for point in touch_points():
        services = "、".join(f"{s.name}（{s.organization.name}）" for s in point.services.all())
        rows.append(
            [
                point.department.name,
                point.department.duties,
                point.signal.name,
                point.situation,
                services,
                point.handover,
            ]
        )
    return rows


def filename(platform: Platform, ext: str) -> str:
    return f"touch-points-{platform.slug}-{timezone.localdate():%Y%m%d}.{ext}"


def _log_export(actor: Actor, fmt: str, count: int) -> None:
    log_action(
        AuditEntry.EXPORT,
        by=actor,
        data={"what": "touch_points", "format": fmt, "rows": count},
    )


def do_export_csv(*, actor: Actor) -> bytes:
    """One line per touch point (department, signal, where, to whom, how); UTF-8 with BOM."""
    rows = _rows()
    out = io.StringIO()
    writer = csv_writer(out)
    for row in rows:
        writer.writerow(row)
    _log_export(actor, "csv", len(rows) - 1)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def do_export_xlsx(*, actor: Actor) -> bytes:
    """Two sheets: the matrix (departments × signals, ● where they meet) and the list of touch points."""
    book = Workbook()
    grid = book.active
    grid.title = _("接点マトリクス")
    bold = Font(bold=True)
    m = touch_matrix()
    grid.cell(row=1, column=1, value=_("部局 ＼ 孤立のサイン")).font = bold
    for c, signal in enumerate(m.signals, start=2):
        cell = grid.cell(row=1, column=c, value=signal.name)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        grid.column_dimensions[get_column_letter(c)].width = 16
    grid.column_dimensions["A"].width = 18
    for r, row in enumerate(m.rows, start=2):
        grid.cell(row=r, column=1, value=row.department.name).font = bold
        for c, point in enumerate(row.cells, start=2):
            if point is not None:
                names = "、".join(s.name for s in point.services.all())
                grid.cell(row=r, column=c, value=f"● {names}" if names else "●").alignment = Alignment(
                    wrap_text=True, vertical="top"
                )
    grid.freeze_panes = "B2"
    sheet = book.create_sheet(_("接点の一覧"))
    rows = _rows()
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            cell.data_type = "s"
            if r == 1:
                cell.font = bold
    for c, width in enumerate((16, 28, 22, 28, 40, 40), start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    _log_export(actor, "xlsx", len(rows) - 1)
    return out.getvalue()
