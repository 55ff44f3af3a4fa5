"""Services and queries take an ``Actor`` (user, role, platform, address), never a request.

Issue 11: a service that reads ``request.user`` or ``request.platform`` cannot be called from a
command, the scheduler or a test without faking a request, and hides what it depends on. Views
pass ``request.actor``; commands and tasks build an ``Actor`` themselves. This test reads every
app's ``services`` modules and ``queries.py`` and fails on a function with a ``request``
parameter or one annotated as an ``HttpRequest`` / ``PlatformRequest`` / ``StaffRequest``.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)
REQUEST_TYPES = {"HttpRequest", "PlatformRequest", "StaffRequest", "WSGIRequest", "ASGIRequest"}
# The one function that still accepts a request: the audit log itself, for Django's sign-in and
# sign-out signals, which hand over a request and nothing else (no platform, no role).
EXCEPTIONS = {"audit/services/log.py:log_action"}


def _service_modules() -> list[Path]:
    paths: list[Path] = []
    for config in apps.get_app_configs():
        app_dir = Path(config.path)
        if ROOT not in app_dir.parents:
            continue  # Django's and third-party apps
        paths += sorted((app_dir / "services").rglob("*.py")) if (app_dir / "services").is_dir() else []
        paths += [p for p in (app_dir / "services.py", app_dir / "queries.py") if p.is_file()]
    return paths


def _takes_request(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    args = node.args
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        annotation = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        names = {part.strip().split(".")[-1] for part in annotation.split("|")}
        if arg.arg == "request" or names & REQUEST_TYPES:
            return True
    return False


class ServicesTakeAnActorTestCase(SimpleTestCase):
    def test_it_finds_the_service_modules(self) -> None:
        names = {str(p.relative_to(ROOT)) for p in _service_modules()}
        self.assertIn("partnership/services/lifecycle.py", names)
        self.assertIn("consultations/services/cases.py", names)
        self.assertGreater(len(names), 60)

    def test_it_finds_no_service_or_query_taking_a_request(self) -> None:
        offenders = []
        for path in _service_modules():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'name', '')}"
                if where in EXCEPTIONS:
                    continue
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _takes_request(node):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}()")
        self.assertEqual(
            offenders, [], "take an Actor (accounts.permissions.Actor) instead:\n" + "\n".join(offenders)
        )

    def test_it_would_catch_a_request_parameter(self) -> None:
        tree = ast.parse(
            "def do_x(obj, *, request: HttpRequest) -> None: ...\n"
            "def do_y(obj, *, actor: Actor): ...\n"
            "def do_z(change: ChangeRequest, *, actor: Actor): ...\n"
            "def do_w(obj, *, by: http.HttpRequest | None = None): ...\n"
        )
        found = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and _takes_request(n)]
        self.assertEqual(found, ["do_x", "do_w"])
