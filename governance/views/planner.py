"""The launch planner: the seeds' paths as a checklist; a prefecture sees its municipalities' progress."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from governance import queries
from governance.forms.pages import PlanForm, StepForm
from governance.models import LaunchPlan, LaunchStep
from governance.services import records
from governance.views.bodies import _require_editor
from tsunagari.lib.views import attempt


@require_http_methods(["GET", "POST"])
@permission_required("governance.view")
def plans(request: StaffRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    if request.method == "POST":
        _require_editor(request)
        if form.is_valid():
            d = form.cleaned_data
            created: list[LaunchPlan] = []
            if attempt(
                request,
                lambda: created.append(
                    records.do_create_plan(
                        request.platform,
                        title=d["title"],
                        template=d["template"],
                        start=d["start"],
                        actor=request.actor,
                    )
                ),
                _("立ち上げ計画を作りました。"),
            ):
                return redirect("governance:plan", request.platform.slug, created[0].uuid)
    platform = request.platform
    context = {
        "plans": queries.plans(),
        "form": form,
        "municipal": queries.municipal_plans(platform) if platform.is_prefecture else [],
    }
    return render(request, "governance/plans.html", context)


@require_http_methods(["GET", "POST"])
@permission_required("governance.view")
def plan_detail(request: StaffRequest, uuid: UUID) -> HttpResponse:
    plan = get_object_or_404(LaunchPlan, uuid=uuid)
    action = request.POST.get("action")
    new_form = StepForm(request.POST if action == "add" else None, prefix="new")
    if request.method == "POST":
        _require_editor(request)
        done = False
        if action == "add" and new_form.is_valid():
            values = dict(new_form.cleaned_data)
            done = attempt(
                request,
                lambda: records.do_save_step(plan, None, values, actor=request.actor),
                _("工程を追加しました。"),
            )
        elif action in ("done", "undone", "save", "delete"):
            step = get_object_or_404(LaunchStep, uuid=request.POST.get("step"), plan=plan)
            if action == "delete":
                done = attempt(
                    request,
                    lambda: records.do_delete_step(step, actor=request.actor),
                    _("工程を削除しました。"),
                )
            elif action == "save":
                form = StepForm(request.POST, instance=step, prefix=f"s{step.pk}")
                if form.is_valid():
                    values = {f: form.cleaned_data[f] for f in form.changed_data}
                    done = attempt(
                        request,
                        lambda: records.do_save_step(plan, step, values, actor=request.actor),
                        _("工程を保存しました。"),
                    )
            else:
                value = timezone.localdate() if action == "done" else None
                done = attempt(
                    request,
                    lambda: records.do_save_step(plan, step, {"done_on": value}, actor=request.actor),
                    _("完了にしました。") if value else _("完了を取り消しました。"),
                )
        if done:
            return redirect("governance:plan", request.platform.slug, plan.uuid)
    steps = list(plan.steps.all())
    context = {
        "plan": plan,
        "steps": [(s, StepForm(instance=s, prefix=f"s{s.pk}")) for s in steps],
        "new_form": new_form,
        "done": sum(1 for s in steps if s.done_on),
        "total": len(steps),
        "today": timezone.localdate(),
    }
    return render(request, "governance/plan_detail.html", context)
