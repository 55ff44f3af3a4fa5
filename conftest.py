"""Test-session setup shared by every app.

tsunagari/settings.py turns the static manifest off when it sees it runs under pytest, by
looking at ``sys.argv[0]``. pytest-xdist workers are started by another command line, so the
variable is set here, in the controlling process, before the workers start (they inherit it).
Without it every page rendered by a worker fails with "Missing staticfiles manifest entry".
"""

from __future__ import annotations

import os

os.environ.setdefault("STATIC_MANIFEST", "0")
