"""Second factor of the demo accounts: a TOTP device with a key derived from the e-mail.

Only for the demo: anyone who knows the e-mail can compute the key, which is
why ``manage.py demo_totp`` refuses to run unless ``TSUNAGARI_DEMO`` is on.
"""

from __future__ import annotations

import hashlib
import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "demo"


def demo_key(email: str) -> str:
    """The device key (40 hex digits = 20 bytes), the same on every run."""
    return hashlib.sha1(email.lower().encode(), usedforsecurity=False).hexdigest()[:40]


def current_code(device: TOTPDevice, at: float | None = None) -> str:
    """The code the device accepts now (or at the given UNIX time)."""
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def seconds_left(device: TOTPDevice, at: float | None = None) -> int:
    now = time.time() if at is None else at
    return int(device.step - (now - device.t0) % device.step)
