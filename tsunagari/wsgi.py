"""The WSGI application (gunicorn: ``tsunagari.wsgi:application``).

LINE's webhook (``POST /line/<slug>/webhook``) is the busiest machine URL and needs none of the
session, locale, CSRF, authentication, second-factor, messages, platform, help-memo,
rate-limit or lockout middleware: it is signed (the view verifies the signature before reading
or storing anything), CSRF-exempt, resolves its own platform and sets no cookie. Its requests
go through a handler with only the middleware that concerns any answer (the client address
behind the proxy, HTTPS and the security headers): about a quarter of its CPU per request
(issue 21 item 3). Every other request goes through the whole ``settings.MIDDLEWARE``.
"""

import os
import re
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.wsgi import get_wsgi_application
from django.utils.module_loading import import_string

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")

# consultations.urls: path("line/<slug:platform_slug>/webhook", ...)
WEBHOOK_PATH = re.compile(r"/line/[-a-zA-Z0-9_]+/webhook")
WEBHOOK_MIDDLEWARE = [
    "tsunagari.lib.proxy.RealClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tsunagari.lib.headers.SecurityHeadersMiddleware",
]


class WebhookHandler(WSGIHandler):
    """Django's WSGI handler with ``WEBHOOK_MIDDLEWARE`` instead of ``settings.MIDDLEWARE``
    (Django's own ``load_middleware``, synchronous, over another list)."""

    middleware = WEBHOOK_MIDDLEWARE

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(self.middleware):
            instance = import_string(path)(handler)
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler


class Application:
    """Webhook requests to ``WebhookHandler``, everything else to Django's usual handler."""

    def __init__(self) -> None:
        self.full = get_wsgi_application()
        self.webhook = WebhookHandler()

    def handler_for(self, path: str) -> WSGIHandler:
        return self.webhook if WEBHOOK_PATH.fullmatch(path) else self.full

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.handler_for(environ.get("PATH_INFO", ""))(environ, start_response)


application = Application()
