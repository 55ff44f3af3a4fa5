"""Every app has one shape (issue 11, item 1; CONTRIBUTING.md, "The shape of an app").

The project's own apps (the ``INSTALLED_APPS`` that live in the checkout's folder of their name)
keep ``models.py`` or ``models/``, ``views/``, ``forms/`` and ``services/`` as packages of modules
by topic (never a flat ``views.py`` beside them), ``queries.py`` for the reads of an app that has
services (``queries/`` by topic in a large app), ``urls.py`` and ``tests/``. Someone who knows one app finds their way in all of them.

An app is exempt from a part only for a reason written below.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.apps import apps
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]

# The project package itself (settings, root URLs, the home page and error views, the demo loader,
# tsunagari/lib): not a capability app.
NOT_AN_APP = {"tsunagari"}

# Apps without a forms/ package, and why.
WITHOUT_FORMS = {
    # Health and status pages only: no page takes input.
    "operations": "no forms",
    # Its staff forms are still one forms.py module (475 lines; the answering forms are built per
    # questionnaire in views/answer.py): to be split by topic like the others (issue 11, item 1).
    "surveys": "forms.py not yet split",
}

# TEMPORARY (issue 11, item 1): queries.py for these three is being added by another change
# running at the same time ("queries"); remove each app from this set when its queries.py lands.
WITHOUT_QUERIES_YET = {"consultations", "directory", "mailings"}


def project_apps() -> dict[str, Path]:
    """name -> folder of the project's own apps. A virtualenv inside the checkout (a fresh clone's
    .venv) holds Django's apps below the same root, so "below the root" does not tell; the folder
    named after the app does (as in test_url_interface)."""
    found = {}
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path == ROOT / config.name.replace(".", "/") and config.name not in NOT_AN_APP:
            found[config.name] = path
    return found


def problems(name: str, folder: Path) -> list[str]:
    """What the app at ``folder`` lacks of the shape (empty when it has the shape)."""
    found: list[str] = []

    def package(part: str) -> bool:
        return (folder / part / "__init__.py").is_file()

    def flat(part: str) -> bool:
        return (folder / f"{part}.py").is_file()

    has_views = package("views") or flat("views")
    has_services = package("services") or flat("services")
    if (folder / "models.py").is_file() == package("models"):
        found.append("models.py or models/ (one of them)")
    for part in ("views", "forms", "services"):
        if flat(part):
            found.append(f"{part}.py instead of {part}/")
    if has_views:
        if not package("views"):
            found.append("views/")
        if not (folder / "urls.py").is_file():
            found.append("urls.py")
        if not package("tests"):
            found.append("tests/")
        if not package("forms") and not flat("forms"):
            found.append("forms/")
    if has_services and not package("services"):
        found.append("services/")
    if has_services and not ((folder / "queries.py").is_file() or package("queries")):
        found.append("queries.py")
    for part in ("views_", "forms_", "services_"):
        found += [f"{path.name} beside {part[:-1]}/" for path in sorted(folder.glob(f"{part}*.py"))]
    return found


def allowed(name: str, problem: str) -> bool:
    if name in WITHOUT_FORMS and problem in ("forms/", "forms.py instead of forms/"):
        return True
    return name in WITHOUT_QUERIES_YET and problem == "queries.py"


class AppShapeTestCase(SimpleTestCase):
    def test_it_finds_the_project_apps(self) -> None:
        names = set(project_apps())
        for name in ("audit", "platforms", "accounts", "partnership", "directory", "gaps"):
            self.assertIn(name, names)
        self.assertNotIn("django.contrib.auth", names)
        self.assertNotIn("tsunagari", names)
        self.assertGreaterEqual(len(names), 15)

    def test_it_gives_every_app_the_shape(self) -> None:
        for name, folder in sorted(project_apps().items()):
            with self.subTest(app=name):
                self.assertEqual([p for p in problems(name, folder) if not allowed(name, p)], [])

    def test_it_keeps_the_base_apps_in_the_shape(self) -> None:
        """The apps below every other (audit, platforms, accounts) have the shape with no exemption."""
        for name in ("audit", "platforms", "accounts", "partnership"):
            with self.subTest(app=name):
                self.assertEqual(problems(name, ROOT / name), [])

    def test_it_exempts_only_apps_that_need_it(self) -> None:
        """A written reason stays true: an exempt app that now has forms/ is taken off the list."""
        apps_found = project_apps()
        for name in WITHOUT_FORMS:
            with self.subTest(app=name):
                self.assertIn(name, apps_found)
                self.assertFalse((apps_found[name] / "forms" / "__init__.py").is_file())

    def test_it_would_catch_a_flat_app(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for part in ("models.py", "views.py", "services.py", "urls.py", "forms_staff.py"):
                (folder / part).write_text("")
            (folder / "forms").mkdir()
            (folder / "forms" / "__init__.py").write_text("")
            self.assertEqual(
                problems("flat", folder),
                [
                    "views.py instead of views/",
                    "services.py instead of services/",
                    "views/",
                    "tests/",
                    "services/",
                    "queries.py",
                    "forms_staff.py beside forms/",
                ],
            )
