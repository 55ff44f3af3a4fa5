from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit.forms import AuditFilterForm
from audit.models import AuditEntry, AuditQuerySet
from audit.services import do_requeue_mail, log_action
from tsunagari.lib.downloads import CSV, csv_writer, streaming_attachment
from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.permissions import permission_required

if TYPE_CHECKING:  # accounts sits above audit: its request type is an annotation only
    from accounts.http import PlatformRequest, StaffRequest


def _filtered(request: PlatformRequest) -> tuple[AuditFilterForm, AuditQuerySet]:
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.for_platform(request.platform).select_related("actor")
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


# --- the mail outbox (tsunagari.lib.mail): what was sent, what waits, what failed and why -----

MAIL_STATES = dict(OutboxMail.State.choices)


@require_GET
@permission_required("audit.manage_outbox")
def mail_list(request: StaffRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    mails = OutboxMail.objects.all()
    if state in MAIL_STATES:
        mails = mails.filter(state=state)
    page = Paginator(mails.only(*MAIL_LIST_FIELDS), 50).get_page(request.GET.get("page"))
    counts = dict(OutboxMail.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    states = [(code, label, counts.get(code, 0)) for code, label in MAIL_STATES.items()]
    return render(request, "audit/mail_list.html", {"page": page, "states": states, "state": state})


MAIL_LIST_FIELDS = ("uuid", "to", "subject", "state", "attempts", "created_at", "sent_at", "last_error")


@require_http_methods(["GET", "POST"])
@permission_required("audit.manage_outbox")
def mail_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    outbox_mail: OutboxMail = get_object_or_404(OutboxMail.objects.all(), uuid=uuid)
    if request.method == "POST":
        if do_requeue_mail(outbox_mail, by=request.actor):
            messages.success(request, _("再送を予約しました。"))
        else:
            messages.error(request, _("送信失敗のメールだけを再送できます。"))
        return redirect("audit:mail_detail", request.platform.slug, outbox_mail.uuid)
    return render(request, "audit/mail_detail.html", {"mail": outbox_mail})
