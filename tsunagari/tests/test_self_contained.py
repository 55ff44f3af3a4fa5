"""The repository is self-contained: no code, test or script reads a file outside it.

A fresh clone in a directory with nothing beside it must run ``make test``; data the tests need
(the HSDS 3.0 schemas and examples) is vendored under ``vendor/``.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django_scopes import scopes_disabled

from directory.models import Service
from directory.tests import hsds_fixtures
from tsunagari.lib.testing import BaseTestCase

ROOT = Path(settings.BASE_DIR).resolve()
SKIP_DIRS = {".git", ".venv", "var", "node_modules", "__pycache__", "vendor"}
SOURCE_SUFFIXES = {".py", ".sh", ".toml", ".cfg", ".ini", ".txt", ".html", ".md", ".json", ".yml", ".yaml"}
# Paths of the machine this project was first written on; built in pieces so this file does not match.
OUTSIDE = re.compile("|".join(["/" + "work/", "shared" + "/hsds", r"\.\./\.\./\.\./"]))

_watching: list[str] | None = None


def _record_open(event: str, args: tuple) -> None:  # type: ignore[type-arg]
    if _watching is not None and event == "open" and isinstance(args[0], str | Path):
        _watching.append(str(args[0]))


sys.addaudithook(_record_open)


def source_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*"):
        if any(part in SKIP_DIRS for part in path.relative_to(ROOT).parts):
            continue
        if path.is_file() and (path.suffix in SOURCE_SUFFIXES or path.name == "Makefile"):
            files.append(path)
    return files


class SelfContainedTest(BaseTestCase):
    def test_it_names_no_path_outside_the_repository_in_any_source_file(self) -> None:
        files = source_files()
        self.assertGreater(len(files), 100)
        offenders = [
            f"{path.relative_to(ROOT)}:{number}"
            for path in files
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1)
            if OUTSIDE.search(line)
        ]
        self.assertEqual(offenders, [])

    def test_it_reads_the_hsds_schemas_and_examples_only_inside_the_repository(self) -> None:
        global _watching
        for cached in (hsds_fixtures.load, hsds_fixtures.registry, hsds_fixtures.validator):
            cached.cache_clear()
        _watching = []
        try:
            hsds_fixtures.validator("compiled/service.json")
            hsds_fixtures.page_validator("service.json")
            hsds_fixtures.import_example(self.platform)
            opened = [Path(p).resolve() for p in _watching]
        finally:
            _watching = None
        allowed = [ROOT, Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()]
        allowed += [
            Path(tempfile.gettempdir()).resolve(),
            Path("/usr"),
            Path("/etc"),
            Path("/dev"),
            Path("/proc"),
        ]
        outside = [p for p in opened if not any(p.is_relative_to(root) for root in allowed)]
        self.assertEqual(outside, [])
        vendored = ROOT / "vendor" / "hsds"
        self.assertTrue(any(p.is_relative_to(vendored / "schema") for p in opened))
        self.assertTrue(any(p.is_relative_to(vendored / "examples" / "csv") for p in opened))
        with scopes_disabled():
            self.assertTrue(Service.objects.filter(platform=self.platform).exists())
