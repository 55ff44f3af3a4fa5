"""Settings: booleans are strict, a production start refuses generated secrets and the demo
switch, and every imported package is pinned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from tsunagari.lib.env import envbool, envint

ROOT = Path(__file__).resolve().parents[2]


class EnvTestCase(SimpleTestCase):
    def test_it_reads_the_usual_spellings_of_a_boolean(self) -> None:
        for value, expected in (
            ("1", True),
            ("TRUE", True),
            (" yes ", True),
            ("on", True),
            ("0", False),
            ("false", False),
            ("No", False),
            ("off", False),
        ):
            with mock.patch.dict(os.environ, {"TSUNAGARI_X": value}):
                self.assertIs(envbool("TSUNAGARI_X", not expected), expected, value)

    def test_it_uses_the_default_when_unset_or_empty(self) -> None:
        with mock.patch.dict(os.environ, {"TSUNAGARI_X": ""}):
            self.assertIs(envbool("TSUNAGARI_X", True), True)
        with mock.patch.dict(os.environ, {}, clear=False):
            os.environ.pop("TSUNAGARI_X", None)
            self.assertIs(envbool("TSUNAGARI_X", False), False)

    def test_it_refuses_a_misspelt_boolean_instead_of_reading_false(self) -> None:
        for value in ("ture", "yes please", "2", "enabled"):
            with mock.patch.dict(os.environ, {"SECURE_COOKIES": value}):
                with self.assertRaisesMessage(ImproperlyConfigured, "SECURE_COOKIES"):
                    envbool("SECURE_COOKIES", False)

    def test_it_refuses_a_number_that_is_not_one(self) -> None:
        with mock.patch.dict(os.environ, {"DB_CONN_MAX_AGE": "60s"}):
            with self.assertRaisesMessage(ImproperlyConfigured, "DB_CONN_MAX_AGE"):
                envint("DB_CONN_MAX_AGE", 0)

    def test_it_stops_the_settings_from_loading_with_a_bad_boolean(self) -> None:
        env = {**os.environ, "DEBUG": "ture", "DJANGO_SETTINGS_MODULE": "tsunagari.settings"}
        result = subprocess.run(
            [sys.executable, "-c", "import django; django.setup()"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DEBUG='ture' is not a boolean", result.stderr)


def deploy_errors() -> set[str]:
    return {
        m.id for m in run_checks(include_deployment_checks=True) if m.id and m.id.startswith("tsunagari.")
    }


class ProductionCheckTestCase(SimpleTestCase):
    @override_settings(DEBUG=False, DEMO_MODE=False, GENERATED_SECRETS=[])
    def test_it_lets_a_production_start_with_its_secrets_given(self) -> None:
        self.assertEqual(deploy_errors(), set())

    @override_settings(DEBUG=False, DEMO_MODE=False)
    def test_it_fails_a_production_start_without_each_secret(self) -> None:
        for name in ("SECRET_KEY", "CONSULTATION_KEYS", "CONSULTATION_INDEX_KEY"):
            with self.settings(GENERATED_SECRETS=[name]):
                messages = [m for m in run_checks(include_deployment_checks=True) if m.id == "tsunagari.E001"]
                self.assertEqual(len(messages), 1, name)
                self.assertIn(name, messages[0].msg)
                self.assertTrue(messages[0].is_serious())

    @override_settings(DEBUG=False, DEMO_MODE=True, GENERATED_SECRETS=[])
    def test_it_fails_a_production_start_with_the_demo_on(self) -> None:
        self.assertEqual(deploy_errors(), {"tsunagari.E002"})

    @override_settings(DEBUG=True, DEMO_MODE=True, GENERATED_SECRETS=["SECRET_KEY"])
    def test_it_leaves_development_alone(self) -> None:
        self.assertEqual(deploy_errors(), set())

    def test_it_records_which_secrets_the_environment_did_not_give(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "CONSULTATION_INDEX_KEY")}
        env.update({"CONSULTATION_KEYS": "a" * 43 + "=", "DJANGO_SETTINGS_MODULE": "tsunagari.settings"})
        result = subprocess.run(
            [
                sys.executable,
                "-c",
                "from django.conf import settings; print(sorted(settings.GENERATED_SECRETS))",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.stdout.strip(), "['CONSULTATION_INDEX_KEY', 'SECRET_KEY']", result.stderr)


class RequirementsTestCase(SimpleTestCase):
    def test_it_pins_every_imported_package(self) -> None:
        result = subprocess.run(
            [sys.executable, "scripts/check_requirements.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_it_would_report_an_unpinned_import(self) -> None:
        sys.path.insert(0, str(ROOT / "scripts"))
        self.addCleanup(sys.path.remove, str(ROOT / "scripts"))
        import check_requirements

        self.assertIn("numpy", check_requirements.top_level_imports(ROOT / "surveys" / "generate.py"))
        self.assertIn("numpy", check_requirements.pinned(ROOT / "requirements.txt"))
        with mock.patch.object(check_requirements, "pinned", return_value=set()):
            found = check_requirements.problems()
        self.assertTrue(any("surveys/generate.py: imports numpy" in line for line in found), found[:5])
