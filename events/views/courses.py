"""Training courses (Gifu's つながりサポーター養成): sessions, attendance across them, certificates."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import can, permission_required
from audit.models import AuditEntry
from audit.services import log_action
from events.forms.events import CourseForm
from events.models import Course
from events.queries import course_attendance, supporters
from events.services import certificates
from events.services import events as event_services
from tsunagari.lib.downloads import CSV, PDF, attachment_response, csv_writer


@require_http_methods(["GET", "POST"])
@permission_required("events.view_results")
def course_list(request: StaffRequest) -> HttpResponse:
    form = CourseForm(request.POST or None)
    if request.method == "POST":
        if not can(request.role, "events.manage"):
            return HttpResponse(status=403)
        if form.is_valid():
            course = event_services.do_create_course(
                request.platform,
                form.cleaned_data,
                actor=request.actor,
            )
            messages.success(
                request,
                _("研修「%(title)s」を作成しました。各回のイベントでこの研修を選んでください。")
                % {"title": course.title},
            )
            return redirect("events:course", request.platform.slug, course.uuid)
    return render(request, "events/staff/courses.html", {"courses": list(Course.objects.all()), "form": form})


@permission_required("events.view_results")
def course_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    course = get_object_or_404(Course, uuid=uuid)
    lines = course_attendance(course)
    return render(
        request,
        "events/staff/course.html",
        {
            "course": course,
            "sessions": list(course.sessions.order_by("starts_at")),
            "lines": lines,
            "completed": sum(1 for line in lines if line.completed),
        },
    )


@permission_required("events.manage")
def course_certificates(request: StaffRequest, uuid: UUID) -> HttpResponse:
    course = get_object_or_404(Course, uuid=uuid)
    body, _count = certificates.do_render_certificates(course, actor=request.actor)
    return attachment_response(body, "certificates.pdf", PDF, inline=True)


@require_GET
@permission_required("events.view_results")
def supporter_list(request: StaffRequest) -> HttpResponse:
    """The roster of everyone who completed a course, kept for later invitations."""
    return render(request, "events/staff/supporters.html", {"supporters": supporters()})


@require_GET
@permission_required("events.manage")
def supporter_csv(request: StaffRequest) -> HttpResponse:
    lines = supporters()
    log_action(AuditEntry.EXPORT, by=request.actor, data={"what": "supporters", "rows": len(lines)})
    response = attachment_response("\ufeff", "修了者名簿.csv", CSV)
    writer = csv_writer(response)
    writer.writerow([_("お名前"), _("所属団体"), _("メールアドレス"), _("修了した研修"), _("修了日")])
    for line in lines:
        writer.writerow(
            [line.name, line.organisation, line.email, "、".join(line.courses), line.completed_on]
        )
    return response
