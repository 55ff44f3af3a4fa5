"""Edits and deletions of projects, cost lines, KPIs, measurements and campaigns, with undo.

A deletion writes what it removed into its audit entry (``data["restore"]``: the rows' fields, no
personal data — these are budgets and counts), and ``do_restore`` puts them back from that entry
with their original UUIDs: restoring twice fails on the UUID, so a double click cannot duplicate.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from accounts.permissions import Actor
from audit.models import AuditEntry
from audit.services import log_action
from consultations.models import TrackedLink
from outcomes.models import Campaign, CampaignMedium, CostLine, Kpi, Measurement, TrialProject

SKIP = ("id", "platform_id", "created_at", "updated_at")


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The row's own fields as JSON-safe values (foreign keys by id)."""
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.attname in SKIP:
            continue
        value = getattr(obj, field.attname)
        out[field.attname] = value if value is None or isinstance(value, bool | int | str) else str(value)
    return out


def _rebuild(model: type[models.Model], platform: Any, data: dict[str, Any], **overrides: Any) -> Any:
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.attname in data and field.attname not in SKIP:
            raw = data[field.attname]
            values[field.attname] = None if raw is None else field.to_python(raw)
    for name in overrides:  # a parent given as an object replaces the id it had before
        values.pop(f"{name}_id", None)
    values.update(overrides)
    return model._default_manager.create(platform=platform, **values)


# --- edits ----------------------------------------------------------------------------------------


def _changed(obj: models.Model, values: dict[str, Any]) -> dict[str, str]:
    before = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            before[name] = "" if old is None else str(old)
        setattr(obj, name, value)
    return before


@transaction.atomic
def do_update_cost(line: CostLine, values: dict[str, Any], *, by: Actor) -> CostLine:
    if values.get("amount", line.amount) <= 0:
        raise ValidationError(_("金額は1円以上で入力してください。"))
    before = _changed(line, values)
    line.save()
    log_action(
        "outcomes.cost_updated", by=by, platform=line.platform, obj=line.project, data={"before": before}
    )
    return line


@transaction.atomic
def do_update_kpi(kpi: Kpi, values: dict[str, Any], *, by: Actor) -> Kpi:
    if values.get("source") == Kpi.Source.LINK_CLICKS and not (
        values.get("tracked_link") or values.get("parameter")
    ):
        raise ValidationError(_("計測リンクのクリック数で測る KPI には計測リンクを選んでください。"))
    before = _changed(kpi, values)
    kpi.save()
    log_action(
        "outcomes.kpi_updated",
        by=by,
        platform=kpi.platform,
        obj=kpi.project,
        data={"kpi": kpi.name, "before": before},
    )
    return kpi


@transaction.atomic
def do_update_campaign(campaign: Campaign, values: dict[str, Any], *, by: Actor) -> Campaign:
    before = _changed(campaign, values)
    campaign.save()
    log_action(
        "outcomes.campaign_updated", by=by, platform=campaign.platform, obj=campaign, data={"before": before}
    )
    return campaign


# --- deletions ------------------------------------------------------------------------------------


def _kpi_tree(kpi: Kpi) -> dict[str, Any]:
    return {"kpi": snapshot(kpi), "measurements": [snapshot(m) for m in Measurement.objects.filter(kpi=kpi)]}


def _delete(
    row: Any,
    *,
    audit_action: str,
    by: Actor,
    about: models.Model,
    data: dict[str, Any],
    restore: dict[str, Any],
) -> AuditEntry:
    """Delete ``row`` after writing its audit entry (on ``about``), with what undo needs in ``restore``."""
    entry = log_action(
        audit_action, by=by, platform=row.platform, obj=about, data={**data, "restore": restore}
    )
    row.delete()
    return entry


@transaction.atomic
def do_delete_project(project: TrialProject, *, by: Actor) -> AuditEntry:
    restore = {
        "project": snapshot(project),
        "costs": [snapshot(c) for c in CostLine.objects.filter(project=project)],
        "kpis": [_kpi_tree(k) for k in Kpi.objects.filter(project=project)],
        "campaigns": [
            str(u) for u in Campaign.objects.filter(project=project).values_list("uuid", flat=True)
        ],
    }
    data = {"name": project.name}
    return _delete(
        project, audit_action="outcomes.project_deleted", by=by, about=project, data=data, restore=restore
    )


@transaction.atomic
def do_delete_cost(line: CostLine, *, by: Actor) -> AuditEntry:
    data = {"amount": line.amount}
    restore = {"cost": snapshot(line)}
    return _delete(
        line, audit_action="outcomes.cost_deleted", by=by, about=line.project, data=data, restore=restore
    )


@transaction.atomic
def do_delete_kpi(kpi: Kpi, *, by: Actor) -> AuditEntry:
    data = {"kpi": kpi.name}
    return _delete(
        kpi, audit_action="outcomes.kpi_deleted", by=by, about=kpi.project, data=data, restore=_kpi_tree(kpi)
    )


@transaction.atomic
def do_delete_measurement(measurement: Measurement, *, by: Actor) -> AuditEntry:
    data = {"kpi": measurement.kpi.name, "value": str(measurement.value)}
    restore = {"measurements": [snapshot(measurement)]}
    project = measurement.kpi.project
    return _delete(
        measurement,
        audit_action="outcomes.measurement_deleted",
        by=by,
        about=project,
        data=data,
        restore=restore,
    )


@transaction.atomic
def do_delete_campaign(campaign: Campaign, *, by: Actor) -> AuditEntry:
    restore = {
        "campaign": snapshot(campaign),
        "media": [snapshot(m) for m in CampaignMedium.objects.filter(campaign=campaign)],
        "flyers": [str(u) for u in campaign.flyers.values_list("uuid", flat=True)],
    }
    data = {"name": campaign.name}
    return _delete(
        campaign, audit_action="outcomes.campaign_deleted", by=by, about=campaign, data=data, restore=restore
    )


UNDOABLE = (
    "outcomes.project_deleted",
    "outcomes.cost_deleted",
    "outcomes.kpi_deleted",
    "outcomes.measurement_deleted",
    "outcomes.campaign_deleted",
)


def _restore_kpi(platform: Any, tree: dict[str, Any], project: TrialProject) -> None:
    data = dict(tree["kpi"])
    link = data.get("tracked_link_id")
    if link is not None and not TrackedLink.objects.filter(pk=link).exists():
        data["tracked_link_id"] = None  # the link was deleted since: the KPI comes back without it
    kpi = _rebuild(Kpi, platform, data, project=project)
    for row in tree["measurements"]:
        _rebuild(Measurement, platform, row, kpi=kpi)


@transaction.atomic
def do_restore(entry: AuditEntry, *, by: Actor) -> str:
    """Undo a deletion from its audit entry; returns what came back. Refused when its parent is gone."""
    if (
        by.platform is None
        or entry.action not in UNDOABLE
        or entry.platform_id != by.platform.pk
        or "restore" not in entry.data
    ):
        raise ValidationError(_("この操作は元に戻せません。"))
    platform = by.platform
    data = entry.data["restore"]
    try:
        with transaction.atomic():
            restored = _restore(entry.action, platform, data)
    except IntegrityError as error:
        raise ValidationError(
            _("すでに元に戻されているか、同じ日の測定値などが新しく登録されています。")
        ) from error
    log_action(
        "outcomes.restored", by=by, platform=platform, data={"entry": str(entry.uuid), "what": restored}
    )
    return restored


def _project_by_id(pk: int) -> TrialProject:
    project = TrialProject.objects.filter(pk=pk).first()
    if project is None:
        raise ValidationError(_("元の実証事業が削除されているため、元に戻せません。"))
    return project


def _restore(action: str, platform: Any, data: dict[str, Any]) -> str:
    if action == "outcomes.project_deleted":
        project = _rebuild(TrialProject, platform, data["project"])
        for row in data["costs"]:
            _rebuild(CostLine, platform, row, project=project)
        for tree in data["kpis"]:
            _restore_kpi(platform, tree, project)
        Campaign.objects.filter(uuid__in=data["campaigns"], project__isnull=True).update(project=project)
        return project.name
    if action == "outcomes.cost_deleted":
        line = _rebuild(CostLine, platform, data["cost"], project=_project_by_id(data["cost"]["project_id"]))
        return str(line)
    if action == "outcomes.kpi_deleted":
        _restore_kpi(platform, data, _project_by_id(data["kpi"]["project_id"]))
        return str(data["kpi"]["name"])
    if action == "outcomes.measurement_deleted":
        row = data["measurements"][0]
        kpi = Kpi.objects.filter(pk=row["kpi_id"]).first()
        if kpi is None:
            raise ValidationError(_("元の KPI が削除されているため、元に戻せません。"))
        return str(_rebuild(Measurement, platform, row, kpi=kpi))
    row = dict(data["campaign"])
    if row.get("project_id") is not None and not TrialProject.objects.filter(pk=row["project_id"]).exists():
        row["project_id"] = None
    campaign = _rebuild(Campaign, platform, row)
    for row in data["media"]:
        _rebuild(CampaignMedium, platform, row, campaign=campaign)
    campaign.flyers.model.objects.filter(uuid__in=data["flyers"], campaign__isnull=True).update(
        campaign=campaign
    )
    return campaign.name
