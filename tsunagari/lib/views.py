"""Run one service call from a view: its success as a message, its refusal in Japanese."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest


def attempt(
    request: HttpRequest,
    call: Callable[[], Any],
    success: str | Callable[[Any], str],
    form: forms.BaseForm | None = None,
) -> bool:
    """Run ``call``; a refusal goes onto the form's fields (or the page) and False is returned.

    ``success`` is the message, or a function of what ``call`` returned that gives it."""
    try:
        result = call()
    except ValidationError as exc:
        if form is not None and hasattr(exc, "error_dict"):
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            for message in exc.messages:
                messages.error(request, message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True
