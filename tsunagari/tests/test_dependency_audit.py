"""The dependency audit step reads pip-audit's report, not its exit code (issue 16)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

spec = importlib.util.spec_from_file_location(
    "audit_report", Path(settings.BASE_DIR) / "scripts" / "audit_report.py"
)
assert spec and spec.loader
audit_report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_report)


class DependencyAuditTestCase(SimpleTestCase):
    def test_it_fails_on_a_known_vulnerability_naming_the_fix(self) -> None:
        code, lines = audit_report.verdict(
            {
                "dependencies": [
                    {
                        "name": "django",
                        "version": "5.2.1",
                        "vulns": [{"id": "PYSEC-2025-1", "fix_versions": ["5.2.2"]}],
                    },
                    {"name": "segno", "version": "1.6.6", "vulns": []},
                ]
            }
        )
        self.assertEqual(code, 1)
        self.assertEqual(lines, ["VULNERABLE django 5.2.1: PYSEC-2025-1 (fixed in 5.2.2)"])

    def test_it_says_not_run_when_the_service_could_not_be_asked(self) -> None:
        code, lines = audit_report.verdict(
            {
                "dependencies": [
                    {"name": "segno", "version": "1.6.6", "vulns": []},
                    {
                        "name": "jaconv",
                        "skip_reason": "Dependency not found on PyPI and could not be audited",
                    },
                ]
            }
        )
        self.assertEqual(code, 3)
        self.assertIn("NOT RUN for 1 of 2", lines[0])
        self.assertEqual(audit_report.verdict({"dependencies": []})[0], 3)

    def test_it_passes_only_when_every_package_was_audited_clean(self) -> None:
        code, lines = audit_report.verdict(
            {"dependencies": [{"name": "segno", "version": "1.6.6", "vulns": []}]}
        )
        self.assertEqual((code, lines), (0, ["dependency audit: 1 pinned packages, no known vulnerability"]))
