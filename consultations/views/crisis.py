"""The platform's own crisis words (staff): list, add, remove, and try messages against them."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import StaffRequest
from accounts.permissions import permission_required
from consultations.crisis import platform_words, recognise
from consultations.crisis_rules import RULES
from consultations.forms.casework import CrisisTryForm, CrisisWordForm
from consultations.models import CrisisWord
from consultations.services.crisis_words import DuplicateCrisisWord, do_add_crisis_word, do_remove_crisis_word

MAX_TRIED_LINES = 200


@permission_required("consultations.edit_crisis_words")
@require_http_methods(["GET", "POST"])
def crisis_words(request: StaffRequest) -> HttpResponse:
    platform = request.platform
    which = request.POST.get("form") if request.method == "POST" else None
    form = CrisisWordForm(request.POST if which == "add" else None, platform=platform)
    try_form = CrisisTryForm(request.POST if which == "try" else None)
    if which == "add" and form.is_valid():
        try:
            do_add_crisis_word(platform, form.cleaned_data["word"], actor=request.actor)
        except DuplicateCrisisWord:
            form.add_error("word", _("この語はもう登録されています。"))
        else:
            messages.success(request, _("危機の語を追加しました。"))
            return redirect("consultations:crisis_words", request.platform.slug)
    tried = []
    if which == "try" and try_form.is_valid():
        words = platform_words(platform)
        for line in try_form.cleaned_data["messages"].splitlines()[:MAX_TRIED_LINES]:
            if line.strip():
                tried.append((line, recognise(line, platform, words=words)))
    context = {
        "form": form,
        "try_form": try_form,
        "tried": tried,
        "words": CrisisWord.objects.select_related("added_by"),
        "rule_count": len(RULES),
    }
    return render(request, "consultations/staff/crisis_words.html", context)


@permission_required("consultations.edit_crisis_words")
def crisis_word_delete(request: StaffRequest, uuid: UUID) -> HttpResponse:
    item = get_object_or_404(CrisisWord, uuid=uuid)  # 404 for another platform's word, whatever the method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    do_remove_crisis_word(item, actor=request.actor)
    messages.success(request, _("「%(word)s」を削除しました。") % {"word": item.word})
    return redirect("consultations:crisis_words", request.platform.slug)
