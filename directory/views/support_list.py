"""The サポートリスト: the public PDF and the secretariat's settings page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import PlatformRequest, StaffRequest
from accounts.permissions import permission_required
from directory import queries
from directory.forms.support_list import CategoriesForm, SizeForm, SupportListSettingsForm
from directory.services import support_list
from directory.support_list_pdf import render_pdf
from tsunagari.lib.downloads import PDF, attachment_response

FRESH_SECONDS = 300
PREPARING_RETRY = 5


@require_GET
def support_list_pdf(request: PlatformRequest) -> HttpResponse:
    """Public. Rendered once per version of the printed data (see ``directory.services.support_list``)."""
    platform = request.platform
    if not platform.is_public:
        raise Http404
    form = SizeForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(
            _("用紙の大きさは a4 または a5 を指定してください。"), content_type="text/plain"
        )
    size = form.cleaned_data["size"] or queries.settings_for(platform).size
    try:
        pdf = support_list.current_pdf(platform, size)
    except support_list.PdfBusy:
        # The first request for a version nobody has rendered yet: the task worker is making it.
        response = render(
            request,
            "directory/support_list/preparing.html",
            {"platform": platform, "retry_after": PREPARING_RETRY},
            status=202,  # accepted: being made (a 503 would be logged as a server error)
        )
        response["Retry-After"] = str(PREPARING_RETRY)
        response["Cache-Control"] = "no-store"
        return response
    etag = f'"{pdf.key}"'
    if not pdf.stale and request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = attachment_response(
            pdf.content, f"support-list-{platform.slug}-{size}.pdf", PDF, inline=True
        )
    response["ETag"] = etag
    response["Cache-Control"] = "public, max-age=10" if pdf.stale else f"public, max-age={FRESH_SECONDS}"
    return response


@require_http_methods(["GET", "POST"])
@permission_required("directory.edit_support_list")
def support_list_settings(request: StaffRequest) -> HttpResponse:
    """Choose categories, their order, the size and the fallback window; preview without saving."""
    platform = request.platform
    settings = queries.settings_for(platform)
    terms = queries.available_terms(platform)
    form = SupportListSettingsForm(request.POST or None, instance=settings, terms=terms)
    categories = CategoriesForm(
        request.POST or None, prefix="c", terms=terms, chosen=queries.chosen_terms(settings)
    )
    if request.method == "POST" and form.is_valid() and categories.is_valid():
        terms = categories.cleaned_data["terms"]
        if request.POST.get("action") == "preview":
            draft = form.save(commit=False)
            content, _pages = render_pdf(queries.build_document(platform, draft, draft.size, terms=terms))
            return attachment_response(content, f"support-list-{platform.slug}-preview.pdf", PDF, inline=True)
        support_list.do_save_settings(platform, form.values(), terms, actor=request.actor)
        messages.success(request, _("サポートリストの設定を保存しました。"))
        return redirect("directory:support_list_settings", request.platform.slug)
    context = {
        "form": form,
        "categories": categories,
        "settings": settings,
        "printed": queries.print_summary(platform, settings),
    }
    return render(request, "directory/support_list/settings.html", context)
