"""Every app has one shape (issue 11, item 1; CONTRIBUTING.md, "The shape of an app").

The project's own apps (the ``INSTALLED_APPS`` that live in the checkout's folder of their name)
keep ``models.py`` or ``models/``, ``views/``, ``forms/`` and ``services/`` as packages of modules
by topic (never a flat ``views.py`` beside them), ``queries.py`` for the reads of an app that has
services (``queries/`` by topic in a large app), ``urls.py`` and ``tests/``. Someone who knows one app finds their way in all of them.

Reads and writes are kept apart: queries never import a ``services`` module (services import
queries, not the other way), and in the apps of ``WRITES_ONLY`` every public function at the top of
``<app>/services/*.py`` is a write named ``do_<verb>()`` or is in ``NOT_DO`` with the reason it
stays there (a task the worker runs, a step of another service's transaction, a pure computation
the writes use). A new read goes to ``queries``; a new write is a ``do_<verb>()``. Every app
with a ``services/`` package is in ``WRITES_ONLY`` (a test below keeps it so): a new app's
services are writes from its first commit, and the app is added to the tuple with them.

An app is exempt from a part only for a reason written below.
"""

from __future__ import annotations

import ast
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
}

WRITES_ONLY = (
    "accounts",
    "audit",
    "consultations",
    "directory",
    "events",
    "gaps",
    "governance",
    "mailings",
    "network",
    "operations",
    "outcomes",
    "partnership",
    "platforms",
    "surveys",
)

TASK = "runs on the task worker or from a command (writes without an actor)"
STEP = "a write step inside the transaction of the do_ function that calls it"
PURE = "pure computation without the database, used by the writes of this module"
GET_OR_CREATE = "get-or-create: creates the row on first use, so it cannot be a query"
AUDITED_READ = "a read of personal data that writes its audit entry (READ_SENSITIVE / EXPORT)"

NOT_DO: dict[str, str] = {
    # audit, platforms
    "audit/services/log.py:log_action": "the one way to write the audit log, inside every write's transaction",
    "platforms/services/creation.py:on_platform_created": "registers an app's setup step (AppConfig.ready())",
    "platforms/services/creation.py:set_up": STEP + " (do_create_platform runs the apps' setup steps)",
    # consultations
    "consultations/services/cases.py:withdraw_member_consents": STEP + " (an erasure request)",
    "consultations/services/cases.py:erase_casework_content": STEP + " (retention and erasure)",
    "consultations/services/cases.py:erase_case_content": STEP + " (retention and erasure)",
    "consultations/services/channels.py:desk_settings": GET_OR_CREATE,
    "consultations/services/channels.py:web_channel": GET_OR_CREATE,
    "consultations/services/conversations.py:open_conversation": STEP + " (do_receive)",
    "consultations/services/delivery.py:deliver_line_messages": TASK,
    "consultations/services/delivery.py:deliver_line_batch": TASK,
    "consultations/services/delivery.py:deliver": TASK + " (the tasks' delivery to LINE)",
    "consultations/services/line.py:parse_events": PURE + " (the webhook body)",
    "consultations/services/line.py:claimer": PURE + " (this process as host:pid, for event claims)",
    "consultations/services/line.py:claimer_gone": "asks the OS whether a claiming process ended (no database)",
    "consultations/services/line.py:drain_events": TASK,
    "consultations/services/line.py:process_events": TASK,
    "consultations/services/line.py:process_event": TASK,
    "consultations/services/line.py:drain_line_events": TASK,
    "consultations/services/line.py:process_line_events": TASK,
    "consultations/services/line_spool.py:spool_dir": PURE + " (the spool folder's path)",
    "consultations/services/line_spool.py:spool": "writes the events to the spool folder when the database is locked",
    "consultations/services/line_spool.py:spooled_files": "lists the spool folder (files, not the database)",
    "consultations/services/line_spool.py:ingest_spool": TASK,
    "consultations/services/line_spool.py:recover_claimed": TASK,
    "consultations/services/privacy.py:read_conversation": AUDITED_READ,
    "consultations/services/privacy.py:months_before": PURE,
    "consultations/services/privacy.py:erase_conversations": STEP + " (retention and erasure)",
    "consultations/services/privacy.py:export_person": AUDITED_READ,
    "consultations/services/privacy.py:export_case": AUDITED_READ,
    "consultations/services/referrals.py:checked_consent_terms": PURE + " (and of cases.py)",
    "consultations/services/referrals.py:save_consent": STEP + " (a person's or a household's consent)",
    "consultations/services/referrals.py:cancel_referrals_of_withdrawn_member": STEP,
    "consultations/services/webchat.py:new_code": PURE,
    "consultations/services/webchat.py:normalise_code": PURE,
    "consultations/services/webchat.py:code_hash": PURE,
    "consultations/services/webchat.py:find_by_code": "looks up through web_channel(), a " + GET_OR_CREATE,
    # directory
    "directory/services/editing.py:normalise": PURE + " (form data in the stored shape)",
    "directory/services/editing.py:diff": "what an edit changes, compared inside the write",
    "directory/services/editing.py:secretariat_label": PURE,
    "directory/services/editing.py:organization_for_member": GET_OR_CREATE,
    "directory/services/editing.py:mail_change": STEP + " (queues the review's mail)",
    "directory/services/sheet.py:category_names": PURE,
    "directory/services/sheet.py:build_template": PURE + " (the blank spreadsheet)",
    "directory/services/sheet.py:parse": PURE + " (reads an uploaded spreadsheet)",
    "directory/services/sheet.py:check": PURE + " (checks its rows)",
    "directory/services/sheet.py:split_categories": PURE,
    "directory/services/sheet.py:queue_preview": STEP + " (queues the upload's check)",
    "directory/services/sheet.py:preview_job": TASK,
    "directory/services/sheet.py:apply_job": TASK,
    "directory/services/support_list.py:layout_version": PURE + " (the PDF's cache key)",
    "directory/services/support_list.py:document_key": PURE + " (the PDF's cache key)",
    "directory/services/support_list.py:forget_current": "drops the cached PDF keys (a cache write)",
    "directory/services/support_list.py:current_pdf": "claims and queues the PDF's rendering (pdf_cache)",
    "directory/services/support_list.py:render_support_list": TASK,
    "directory/services/tabular.py:read_text": PURE + " (decodes an import file)",
    "directory/services/tabular.py:postal_problem": PURE + " (checks an imported address)",
    "directory/services/tabular.py:import_job": TASK,
    "directory/services/tabular.py:start_prefetch": STEP + " (starts the import's search-analysis process)",
    "directory/services/tabular.py:parse_key": PURE + " (an imported id cell as the import's key)",
    "directory/services/tabular.py:show_key": PURE + " (an import key written as the user wrote the id)",
    "directory/services/tabular.py:sqlite_cache": STEP
    + " (the import connection's page cache, restored after)",
    # events
    "events/services/feedback_survey.py:answer_url": PURE + " (the questionnaire's link in the request mail)",
    "events/services/registration.py:mail_context": PURE + " (and of feedback_survey.py, reminders.py)",
    "events/services/reminders.py:reminder_key": PURE + " (the outbox key that sends a reminder once)",
    # governance
    "governance/services/common.py:user_of": PURE + " (who acts: None for the system)",
    "governance/services/common.py:locked": STEP + " (re-reads a row with its lock)",
    "governance/services/common.py:mail": STEP + " (queues a mail)",
    "governance/services/common.py:refuse": PURE + " (a refusal naming its article)",
    "governance/services/meetings.py:resolution_label": PURE + " (names the decision)",
    "governance/services/meetings.py:apply_officer_election": STEP + " (a decided item or written vote)",
    "governance/services/meetings.py:apply_officer_withdrawal": STEP + " (a decided item or written vote)",
    # gaps, outcomes
    "gaps/services/coverage.py:filename": PURE + " (the export's file name)",
    "gaps/services/touch_points.py:filename": PURE + " (the export's file name)",
    "outcomes/services/editing.py:snapshot": PURE + " (a row as the undo log keeps it)",
    # mailings
    "mailings/services/bounces.py:refusals": PURE + " (the SMTP answers of a failed mail)",
    "mailings/services/bounces.py:parse_dsn": PURE + " (a bounce report)",
    "mailings/services/issues.py:body_html": PURE + " (renders the issue's mail)",
    "mailings/services/issues.py:body_text": PURE + " (renders the issue's mail)",
    "mailings/services/issues.py:queue_batch": TASK,
    "mailings/services/issues.py:finish_if_done": TASK,
    "mailings/services/issues.py:send_now": TASK,
    "mailings/services/subscriptions.py:email_key": PURE,
    "mailings/services/subscriptions.py:manage_token": PURE + " (signed link token)",
    "mailings/services/subscriptions.py:manage_token_matches": PURE + " (signed link token)",
    "mailings/services/subscriptions.py:confirm_token": PURE + " (signed link token)",
    "mailings/services/subscriptions.py:confirm_token_state": PURE + " (signed link token)",
    "mailings/services/subscriptions.py:site_url": PURE,
    "mailings/services/subscriptions.py:unsubscribe_url": PURE,
    "mailings/services/subscriptions.py:preferences_url": PURE,
    # operations
    "operations/services/backup.py:check_backup": "checks a backup's files against its manifest (files, no database)",
    "operations/services/backup.py:key_mismatch": PURE + " (the keys a backup needs vs. those set)",
    "operations/services/scheduler.py:run_due": TASK + " (each tick of run_scheduler)",
    # network
    "network/services/board.py:search_text": PURE + " (a post's words as the board's search reads them)",
    "network/services/common.py:platform_of": PURE + " (the platform the actor acts on)",
    "network/services/common.py:require_active": PURE + " (refuses a member who left)",
    "network/services/reminders.py:due_stage": PURE + " (the reminder a deadline is due today)",
    "network/services/reminders.py:wants": PURE + " (whether a subscription chose a post's topic and area)",
    "network/services/reminders.py:queue_new_post": STEP + " (do_post_notice mails the new post)",
    # partnership
    "partnership/services/export.py:columns": PURE + " (the register's columns: header, value, width)",
    "partnership/services/membership.py:mail_submission": STEP
    + " (do_submit_application queues the receipt and the secretariat's notice)",
    "partnership/services/membership.py:mail_decision": STEP
    + " (do_approve_application and do_reject_application queue the decision)",
    # surveys
    "surveys/services/imports.py:import_job": TASK,
    "surveys/services/imports.py:discard_batch": "deletes a staging batch in short transactions of its own "
    "(after a failed import, and for discard_abandoned)",
    "surveys/services/imports.py:discard_abandoned": TASK + " (tsunagari.lib.jobs.cleanup)",
    "surveys/services/questionnaire.py:ensure_national_benchmark": GET_OR_CREATE + " (do_create_survey)",
    "surveys/services/questionnaire.py:bump_revision": STEP
    + " (every write of responses bumps the data revision)",
    "surveys/services/report.py:current_report": "claims and queues the report PDF's rendering (pdf_cache)",
    "surveys/services/report.py:render_report": TASK,
    "surveys/services/results.py:log_free_text_read": AUDITED_READ
    + " (the free text the results page shows)",
}


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
    return name in WITHOUT_FORMS and problem in ("forms/", "forms.py instead of forms/")


def _query_modules(app_dir: Path) -> list[Path]:
    if (app_dir / "queries").is_dir():
        return sorted((app_dir / "queries").rglob("*.py"))
    return [app_dir / "queries.py"] if (app_dir / "queries.py").is_file() else []


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _not_do(path: Path) -> list[str]:
    """``<app>/services/<module>.py:<function>`` of each public top-level function not named do_*."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT).as_posix()
    return [
        f"{where}:{node.name}"
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith(("_", "do_"))
    ]


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

    def test_queries_do_not_import_services(self) -> None:
        offenders = []
        for app in project_apps().values():
            for path in _query_modules(app):
                where = path.relative_to(ROOT).as_posix()
                services = {
                    name
                    for name in _imported(ast.parse(path.read_text(encoding="utf-8")))
                    if "services" in name.split(".")
                }
                if services:
                    offenders.append(f"{where}: {sorted(services)}")
        self.assertEqual(
            offenders, [], "services import queries, never the other way:\n" + "\n".join(offenders)
        )

    def test_services_of_the_checked_apps_are_writes(self) -> None:
        found: list[str] = []
        for app in WRITES_ONLY:
            for path in sorted((ROOT / app / "services").glob("*.py")):
                found += _not_do(path)
        unexplained = [name for name in found if name not in NOT_DO]
        self.assertEqual(
            unexplained,
            [],
            "a read belongs in <app>/queries.py, a write is named do_<verb>(); "
            "anything else needs a line in NOT_DO saying why",
        )
        stale = sorted(set(NOT_DO) - set(found))
        self.assertEqual(stale, [], "NOT_DO names functions that are gone or renamed")

    def test_it_checks_every_app_with_services(self) -> None:
        with_services = sorted(
            name for name, folder in project_apps().items() if (folder / "services" / "__init__.py").is_file()
        )
        self.assertEqual(sorted(set(with_services) - set(WRITES_ONLY)), [], "add the app to WRITES_ONLY")

    def test_it_would_catch_a_read_in_services(self) -> None:
        tree = ast.parse("def do_save(x): ...\ndef rows_of(x): ...\ndef _helper(x): ...\n")
        public = [
            n.name
            for n in tree.body
            if isinstance(n, ast.FunctionDef) and not n.name.startswith(("_", "do_"))
        ]
        self.assertEqual(public, ["rows_of"])
