"""The mail outbox (tsunagari.lib.mail): what was sent, what waits, what failed and why; a failed
mail sent again."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from audit import queries
from audit.services.outbox import do_requeue_mail
from tsunagari.lib.outbox.models import OutboxMail
from tsunagari.lib.permissions import permission_required

if TYPE_CHECKING:  # accounts sits above audit: its request type is an annotation only
    from accounts.http import StaffRequest


@require_GET
@permission_required("audit.manage_outbox")
def mail_list(request: StaffRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    page = Paginator(queries.outbox_mails(state), 50).get_page(request.GET.get("page"))
    counts = queries.outbox_counts()
    states = [(code, label, counts.get(code, 0)) for code, label in queries.MAIL_STATES.items()]
    return render(request, "audit/mail_list.html", {"page": page, "states": states, "state": state})


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
