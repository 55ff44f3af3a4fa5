"""The audit log: the secretariat's list of entries, filtered, and its CSV export (itself audited)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import queries
from audit.forms.entries import AuditFilterForm
from audit.models import AuditEntry, AuditQuerySet
from audit.services import log_action
from tsunagari.lib.downloads import CSV, csv_writer, streaming_attachment
from tsunagari.lib.permissions import permission_required

if TYPE_CHECKING:  # accounts sits above audit: its request type is an annotation only
    from accounts.http import PlatformRequest, StaffRequest


def _filtered(request: PlatformRequest) -> tuple[AuditFilterForm, AuditQuerySet]:
    form = AuditFilterForm(request.GET or None)
    entries = queries.entries_of(request.platform)
    if form.is_valid():
        entries = form.apply(entries)
    return form, entries


@require_GET
@permission_required("audit.view_log")
def entry_list(request: StaffRequest) -> HttpResponse:
    form, entries = _filtered(request)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/list.html", {"form": form, "page": page, "query": query.urlencode()})


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@permission_required("audit.view_log")
def export_csv(request: StaffRequest) -> HttpResponseBase:
    form, entries = _filtered(request)
    log_action(
        AuditEntry.EXPORT,
        actor=request.user,
        request=request,
        data={"what": "audit_log", "filters": request.GET.dict()},
    )
    writer = csv_writer(_Echo())

    def rows():
        yield "\ufeff"  # BOM so that Excel opens the UTF-8 file correctly
        yield writer.writerow(
            ["日時", "操作", "操作コード", "実行者", "対象の種類", "対象", "詳細", "IPアドレス"]
        )
        for e in entries.iterator():
            yield writer.writerow(
                [
                    timezone.localtime(e.created_at).isoformat(timespec="seconds"),
                    e.action_label,
                    e.action,
                    e.actor.email if e.actor else e.actor_label,
                    e.object_type,
                    e.object_label,
                    e.data,
                    e.ip_address or "",
                ]
            )

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return streaming_attachment(rows(), f"audit-{request.platform.slug}-{stamp}.csv", CSV)
