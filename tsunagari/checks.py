"""System checks of a production start (``manage.py check --deploy``, DEBUG off).

A production machine must be given its secrets: a ``SECRET_KEY`` generated into ``var/`` differs
per machine (sessions break), and generated ``CONSULTATION_KEYS`` / ``CONSULTATION_INDEX_KEY``
mean each machine encrypts consultations with its own key. The demo's conveniences
(``TSUNAGARI_DEMO``, e.g. printing TOTP codes) must be off.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register(deploy=True)
def production_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    errors: list[CheckMessage] = [
        Error(
            f"{name} is not set: it was generated into var/ on this machine.",
            hint=f"Set {name} in the environment of every web and worker process (see README.md).",
            id="tsunagari.E001",
        )
        for name in getattr(settings, "GENERATED_SECRETS", [])
    ]
    if settings.DEMO_MODE:
        errors.append(
            Error(
                "TSUNAGARI_DEMO is on in production.",
                hint="Unset TSUNAGARI_DEMO (demo conveniences print second-factor codes).",
                id="tsunagari.E002",
            )
        )
    if settings.SECURE_PROXY_SSL_HEADER and not getattr(settings, "TRUSTED_PROXIES", []):
        errors.append(
            Warning(
                "BEHIND_TLS_PROXY is on but TRUSTED_PROXIES is empty: every request seems to come from the proxy.",
                hint="Set TRUSTED_PROXIES to the proxy's addresses (127.0.0.1 for nginx on the same machine), or "
                "audit entries, rate limits and the login lock per address all see one client.",
                id="tsunagari.W003",
            )
        )
    return errors
