"""The secretariat's screening of membership applications (Gifu 入会規則第2条)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from audit.models import AuditEntry
from audit.services import log_action
from partnership import queries
from partnership.forms.application import ApproveForm, RecommendForm, RejectForm
from partnership.models import PUBLISHABLE_FIELDS, Application
from partnership.services import membership

# action (the submit button's value) → (form, service call, success message)
ACTIONS: dict[str, tuple[type, Any, Any]] = {
    "recommend": (
        RecommendForm,
        lambda app, data, request: membership.do_recommend_application(
            app, recommended_by=data["recommended_by"], note=data["note"], actor=request.actor
        ),
        gettext_lazy("推薦を記録しました。"),
    ),
    "approve": (
        ApproveForm,
        lambda app, data, request: membership.do_approve_application(
            app, tier=data["tier"], actor=request.actor
        ),
        gettext_lazy("入会を承認しました。申込者への通知メールの送信を予約しました。"),
    ),
    "reject": (
        RejectForm,
        lambda app, data, request: membership.do_reject_application(
            app, reason=data["reason"], actor=request.actor
        ),
        gettext_lazy("不承認としました。申込者への理由を記したメールの送信を予約しました。"),
    ),
}


@require_GET
@permission_required("partnership.screen_applications")
def application_list(request: StaffRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    counts = dict(Application.objects.values_list("status").annotate(n=Count("id")).order_by())
    applications = (
        Application.objects.select_related("recommended_by", "previous_member")
        .annotate(
            pending_first=Case(
                When(status=Application.Status.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("pending_first", "-submitted_at")
    )
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    tabs = [("", _("すべて"), sum(counts.values()))] + [
        (value, label, counts.get(value, 0)) for value, label in Application.Status.choices
    ]
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    return render(
        request, "partnership/application_list.html", {"page": page, "tabs": tabs, "status": status}
    )


@require_http_methods(["GET", "POST"])
@permission_required("partnership.screen_applications")
def application_detail(request: StaffRequest, uuid: str) -> HttpResponse:
    application: Application = get_object_or_404(
        Application.objects.select_related("recommended_by", "previous_member", "organisation", "decided_by"),
        uuid=uuid,
    )
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms = {
        name: form_class(request.POST if name == action else None)
        for name, (form_class, *_r) in ACTIONS.items()
    }
    status = 200
    if action and application.status != Application.Status.PENDING:
        messages.error(request, str(membership.AlreadyDecided(application)))
        status = 409
    elif action in ACTIONS and forms[action].is_valid():
        _form_class, service, done = ACTIONS[action]
        try:
            service(application, forms[action].cleaned_data, request)
        except membership.AlreadyDecided as conflict:
            messages.error(request, str(conflict))
            application, status = conflict.application, 409
        except ValidationError as error:
            forms[action].add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("partnership:application", request.platform.slug, application.uuid)
    elif request.method == "POST" and action not in ACTIONS:
        status = 400
    if request.method == "GET":
        # An application is personal data (representative, contact person, address): every
        # opening is in the audit log (issue 16).
        log_action(AuditEntry.READ_SENSITIVE, by=request.actor, obj=application, data={"what": "application"})
    context = {
        "application": application,
        "duplicates": queries.possible_duplicates(application),
        "publishable": PUBLISHABLE_FIELDS,
        **forms,
    }
    return render(request, "partnership/application_detail.html", context, status=status)
