"""Secretariat pages: lists, subscribers and imports, the editors' rotation, issues from draft to sent."""

from __future__ import annotations

import io
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from mailings import queries
from mailings.forms.subscriptions import EditorForm, ImportForm, IssueForm, MailingListForm
from mailings.models import Editor, Issue, MailingList, Subscriber
from mailings.services import bounces as bounce_services
from mailings.services import issues as issue_services
from mailings.services import lists as list_services
from mailings.tasks import send_issue
from tsunagari.lib.downloads import CSV, attachment_response, csv_writer


@require_http_methods(["GET", "POST"])
@permission_required("mailings.manage")
def list_index(request: StaffRequest) -> HttpResponse:
    form = MailingListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mailing_list = list_services.do_create_list(form.save(commit=False), actor=request.actor)
        except ValidationError as error:
            form.add_error("slug", error.messages[0])
        else:
            return redirect("mailings:staff_list", request.platform.slug, mailing_list.uuid)
    lists = list(MailingList.objects.all())
    return render(request, "mailings/staff/index.html", {"lists": lists, "form": form})


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise Http404("subscriber") from None


@require_http_methods(["GET", "POST"])
@permission_required("mailings.manage")
def list_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    mailing_list = get_object_or_404(MailingList, uuid=uuid)
    platform = request.platform
    editor_form = EditorForm(
        request.POST if request.POST.get("action") == "editor" else None, platform=platform
    )
    import_form = ImportForm(request.POST if request.POST.get("action") == "import" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "editor" and editor_form.is_valid():
            list_services.do_add_editor(mailing_list, editor_form.cleaned_data["user"], actor=request.actor)
            return redirect(request.path)
        if action == "resume":
            subscriber = get_object_or_404(
                Subscriber, mailing_list=mailing_list, uuid=_uuid(request.POST.get("subscriber", ""))
            )
            if bounce_services.do_resume(subscriber, actor=request.actor):
                messages.success(
                    request, _("%(email)s への配信を再開しました。") % {"email": subscriber.email}
                )
            return redirect(request.path)
        if action == "import" and import_form.is_valid():
            done, errors = list_services.do_import_subscribers(
                mailing_list, import_form.cleaned_data["addresses"], actor=request.actor
            )
            messages.success(request, _("%(n)d件を登録しました。") % {"n": done})
            for error in errors[:50]:
                messages.error(request, error)
            return redirect(request.path)
    subscribers = Subscriber.objects.filter(mailing_list=mailing_list)
    return render(
        request,
        "mailings/staff/list.html",
        {
            "list": mailing_list,
            "counts": {s: subscribers.filter(status=s).count() for s in Subscriber.Status.values},
            "editors": list(Editor.objects.filter(mailing_list=mailing_list).select_related("user")),
            "rotation": queries.rotation(mailing_list),
            "issues": list(Issue.objects.filter(mailing_list=mailing_list).select_related("editor")[:100]),
            "bounced": list(
                subscribers.filter(hard_bounces__gt=0)
                .exclude(status=Subscriber.Status.UNSUBSCRIBED)
                .order_by("-status", "-last_bounce_at")[:200]
            ),
            "editor_form": editor_form,
            "import_form": import_form,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("mailings.manage")
def issue_create(request: StaffRequest, uuid: UUID) -> HttpResponse:
    mailing_list = get_object_or_404(MailingList, uuid=uuid)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = issue_services.do_create_issue(mailing_list, actor=request.actor, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("第%(n)d号の下書きを作りました。") % {"n": issue.number})
            return redirect("mailings:staff_issue", request.platform.slug, issue.uuid)
    return render(
        request,
        "mailings/staff/issue_form.html",
        {"list": mailing_list, "form": form, "editor": queries.next_editor(mailing_list)},
    )


def _issue_action(request: StaffRequest, issue: Issue) -> str:
    action = request.POST.get("action", "")
    if action == "save":
        form = IssueForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("件名と本文を入力してください。"))
        issue_services.do_update_issue(issue, actor=request.actor, **form.cleaned_data)
        return _("保存しました。")
    if action in issue_services.STEPS:
        issue_services.do_step(issue, action, actor=request.actor, note=request.POST.get("note", ""))
        return {
            "submit": _("確認を依頼しました。"),
            "return": _("差し戻しました。"),
            "approve": _("承認しました。"),
        }[action]
    if action == "send":
        count = issue_services.do_start_sending(issue, actor=request.actor)
        transaction.on_commit(lambda: send_issue.enqueue(issue.pk))
        return _("%(n)d人への送信を始めました。送信は1分あたり%(r)d通ずつ進みます。") % {
            "n": count,
            "r": issue.mailing_list.rate_per_minute,
        }
    raise ValidationError(_("操作を選んでください。"))


@require_http_methods(["GET", "POST"])
@permission_required("mailings.manage")
def issue_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    issue: Issue = get_object_or_404(
        Issue.objects.select_related("mailing_list", "editor", "approved_by"), uuid=uuid
    )
    if request.method == "POST":
        try:
            messages.success(request, _issue_action(request, issue))
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect(request.path)
    failed = issue.deliveries.filter(mail__state="failed").select_related("subscriber", "mail")[:200]
    return render(
        request,
        "mailings/staff/issue.html",
        {
            "issue": issue,
            "list": issue.mailing_list,
            "form": IssueForm(instance=issue),
            "progress": queries.progress(issue),
            "failed": list(failed),
            "preview": issue_services.body_text(
                issue, unsubscribe="（配信停止のURL）", preferences="（配信設定のURL）"
            ),
            "recipients": Subscriber.objects.filter(
                mailing_list=issue.mailing_list, status="confirmed"
            ).count(),
        },
    )


@permission_required("mailings.manage")
def subscribers_csv(request: StaffRequest, uuid: UUID) -> HttpResponse:
    mailing_list = get_object_or_404(MailingList, uuid=uuid)
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel reads UTF-8 only with the BOM
    writer = csv_writer(buffer)
    writer.writerow(["メールアドレス", "お名前", "所属団体", "状態", "登録方法", "同意日時", "同意した内容"])
    for s in Subscriber.objects.filter(mailing_list=mailing_list).order_by("created_at"):
        consented = timezone.localtime(s.consented_at).strftime("%Y-%m-%d %H:%M") if s.consented_at else ""
        row = [
            s.email,
            s.name,
            s.organisation,
            s.get_status_display(),
            s.get_source_display(),
            consented,
            s.consent_text,
        ]
        writer.writerow(["'" + v if v and v[0] in "=+-@" else v for v in row])
    response = attachment_response(buffer.getvalue(), f"{mailing_list.name}-購読者.csv", CSV, private=True)
    list_services.do_record_export(mailing_list, actor=request.actor)
    return response
