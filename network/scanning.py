"""The virus scan of an uploaded file: a pluggable step after ``network.files``' own checks.

``settings.NETWORK_FILE_SCANNER`` chooses it:

- ``""`` (the default): no scanner. The file is stored as 「未検査」 and every page that lists it
  says so; nothing claims a scan that did not happen.
- ``"clamav"``: ClamAV's ``clamscan`` (or ``settings.NETWORK_CLAMSCAN``, e.g. ``clamdscan`` with a
  running clamd) reads the file on its standard input. Exit 0: 「検査済み」; exit 1: the file is
  refused, naming the signature found; anything else (no signature database, a missing program, a
  timeout): the upload is refused, because a configured scan that could not run is not a pass.
  ``settings.NETWORK_CLAMAV_DATABASE`` gives a signature database (``-d``) when not the default.

ClamAV's signatures are fetched by ``freshclam`` from ClamAV's own servers; a machine without them
cannot scan (``clamscan`` exits 2) and must keep the default.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

TIMEOUT = 60  # seconds for one file


@dataclass(frozen=True)
class Scanned:
    status: str  # Attachment.Scan: "unscanned" or "clean"
    engine: str = ""


def scan(label: str, content: bytes) -> Scanned:
    """Scan ``content`` (the file called ``label``) with the configured scanner."""
    name = getattr(settings, "NETWORK_FILE_SCANNER", "")
    if not name:
        return Scanned("unscanned")
    if name == "clamav":
        return _clamav(label, content)
    raise ImproperlyConfigured(f"NETWORK_FILE_SCANNER: unknown scanner {name!r} (use '' or 'clamav')")


def _clamav(label: str, content: bytes) -> Scanned:
    program = getattr(settings, "NETWORK_CLAMSCAN", "") or "clamscan"
    command = [program, "--no-summary", "--stdout"]
    database = getattr(settings, "NETWORK_CLAMAV_DATABASE", "")
    if database:
        command += ["-d", database]
    command.append("-")
    try:
        # the configured program with fixed options; the file goes on stdin, never on the command line
        done = subprocess.run(command, input=content, capture_output=True, timeout=TIMEOUT, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        done = None
    if done is not None and done.returncode == 0:
        return Scanned("clean", "ClamAV")
    if done is not None and done.returncode == 1:
        found = done.stdout.decode("utf-8", "replace").strip().rpartition(": ")[2].removesuffix(" FOUND")
        raise ValidationError(
            _("%(name)s: ウイルス検査で問題が見つかったため添付できません（%(what)s）。")
            % {"name": label, "what": found or "ClamAV"}
        )
    raise ValidationError(
        _("%(name)s: ウイルス検査ができなかったため添付できません。事務局にお知らせください。")
        % {"name": label}
    )
