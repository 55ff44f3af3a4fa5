"""Import direction: apps import only downwards, never in a loop.

The layers, bottom first (an app may import its own modules, anything in a lower layer, and the
other apps of its own layer as long as no two apps import each other, directly or round a loop):

    tsunagari.lib < audit < platforms < accounts < partnership < the demo's shared fiction
        < capability apps (directory, consultations, surveys, governance, events, network,
          outcomes, gaps) < tsunagari (demo, urls, views, settings, commands)

audit is the bottom app: every app writes the audit log, platforms and accounts included (a
platform's creation and rules, sign-ins and roles), and the log names its platform and user by
string (``"platforms.Platform"``, ``AUTH_USER_MODEL``). Pages of the apps below accounts are
guarded with ``tsunagari.lib.permissions`` (accounts grants their capabilities) and typed with
``accounts.http`` under ``TYPE_CHECKING`` only. What a new platform needs from apps above
(partnership's default tiers) is a step they register (``platforms.services.creation.on_platform_created``).
The demo's name and place generator and its staff specs (``tsunagari.demo.fiction``, ``places``,
``specs``) are shared by the apps' demo hooks, so they sit below them, above partnership (whose
types the generator uses).

Forbidden, and each a failing test:
- an import of a higher layer, at the top of a file or inside a function or class (an import
  inside a function does not dodge the rule);
- any import of an app from ``tsunagari/lib`` (the shared blocks know no app), except the test
  support modules named in ``TEST_SUPPORT``, which only tests may import;
- two apps of one layer importing each other (directly or round a loop), and a loop of files
  (``a.py`` imports ``b.py`` imports ``a.py``), counting imports inside functions too.

Tests, migrations and vendored files are not checked. A new app: add it to ``LAYERS``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]

# Bottom first. Extend a layer's tuple to add an app.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("tsunagari.lib",),
    ("audit",),
    ("platforms",),
    ("accounts",),
    ("partnership",),
    ("tsunagari.demo.fiction", "tsunagari.demo.places", "tsunagari.demo.specs"),
    (
        "directory",
        "consultations",
        "surveys",
        "governance",
        "events",
        "network",
        "outcomes",
        "gaps",
        "operations",
        "mailings",
    ),
    ("tsunagari",),
)

# Modules of tsunagari/lib that exist only for tests (fixtures with users, roles and members; the
# browser harness): they sit on top of every app, and no product module may import them.
TEST_SUPPORT = ("tsunagari.lib.testing", "tsunagari.lib.browser")

SKIP_PARTS = {"tests", "migrations", ".venv", "vendor", "bench", "scripts", "node_modules", "var"}


def owner(module: str) -> str | None:
    """The layer entry (an app, ``tsunagari.lib`` or ``tsunagari``) a module belongs to."""
    if module in TEST_SUPPORT or module.startswith(tuple(m + "." for m in TEST_SUPPORT)):
        return "test-support"
    best: str | None = None
    for layer in LAYERS:
        for name in layer:
            if (module == name or module.startswith(name + ".")) and (best is None or len(name) > len(best)):
                best = name
    return best


def level(name: str) -> int:
    if name == "test-support":
        return len(LAYERS)
    for index, layer in enumerate(LAYERS):
        if name in layer:
            return index
    raise KeyError(name)


@dataclass(frozen=True)
class Import:
    source: str  # importing module
    target: str  # imported module (as precise as the statement says)
    path: str
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def product_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP_PARTS & set(rel.parts) or len(rel.parts) == 1:
            continue
        yield path


def imports_of(path: Path) -> Iterator[Import]:
    source = module_name(path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))

    def visit(node: ast.AST, nested: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            inner = nested or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            rel = str(path.relative_to(ROOT))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield Import(source, alias.name, rel, child.lineno, nested)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in child.names:
                    yield Import(source, f"{base}.{alias.name}", rel, child.lineno, nested)
            yield from visit(child, inner)

    yield from visit(tree, False)


def all_imports() -> list[Import]:
    return [imp for path in product_files() for imp in imports_of(path)]


def _type_checking_only(path: Path) -> set[int]:
    """Lines inside ``if TYPE_CHECKING:`` blocks (annotations only; never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def upward_imports() -> list[str]:
    found = []
    for path in product_files():
        guarded = _type_checking_only(path)
        for imp in imports_of(path):
            here, there = owner(imp.source), owner(imp.target)
            if here is None or there is None or here == there or imp.line in guarded:
                continue
            if here == "tsunagari.lib" and there != "tsunagari.lib":
                found.append(f"{imp.path}:{imp.line} tsunagari/lib imports the app {there} ({imp.target})")
            elif there == "test-support":
                found.append(f"{imp.path}:{imp.line} product code imports test support {imp.target}")
            elif level(there) > level(here):
                where = " inside a function" if imp.in_function else ""
                found.append(f"{imp.path}:{imp.line} {here} imports {imp.target} from a higher layer{where}")
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def strong(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                strong(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            strong(node)
    return result


def app_cycles() -> list[list[str]]:
    graph: dict[str, set[str]] = {}
    for path in product_files():
        guarded = _type_checking_only(path)
        for imp in imports_of(path):
            here, there = owner(imp.source), owner(imp.target)
            if here and there and here != there and imp.line not in guarded:
                graph.setdefault(here, set()).add(there)
    return _cycles(graph)


def file_cycles() -> list[list[str]]:
    """Loops of imports between files of this repository (imports inside functions count)."""
    modules = {module_name(path): path for path in product_files()}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        guarded = _type_checking_only(path)
        for imp in imports_of(path):
            if imp.line in guarded:
                continue
            target = imp.target
            # "from a.b import c": c may be a module or a name in a.b
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                graph.setdefault(name, set()).add(target)
    return _cycles(graph)


class LayersTestCase(SimpleTestCase):
    def test_it_finds_the_apps_and_their_imports(self) -> None:
        imports = all_imports()
        self.assertGreater(len(imports), 500)
        owners = {owner(imp.source) for imp in imports}
        for app in (
            "tsunagari.lib",
            "platforms",
            "accounts",
            "audit",
            "partnership",
            "directory",
            "tsunagari",
        ):
            self.assertIn(app, owners)

    def test_it_knows_every_app_directory(self) -> None:
        apps = {p.parent.name for p in ROOT.glob("*/apps.py")} - {"tsunagari"}
        unknown = sorted(app for app in apps if owner(app) != app)
        self.assertEqual(unknown, [], "add the new app to LAYERS in tsunagari/tests/test_layers.py")

    def test_it_imports_only_downwards(self) -> None:
        self.assertEqual(upward_imports(), [])

    def test_it_has_no_loop_between_apps(self) -> None:
        self.assertEqual(app_cycles(), [])

    def test_it_has_no_loop_between_files(self) -> None:
        self.assertEqual(file_cycles(), [])

    def test_it_would_catch_an_upward_import(self) -> None:
        self.assertEqual(owner("partnership.models"), "partnership")
        self.assertEqual(owner("tsunagari.lib.tenancy"), "tsunagari.lib")
        self.assertEqual(owner("tsunagari.demo.loader"), "tsunagari")
        self.assertEqual(owner("django.db"), None)
        self.assertLess(level("accounts"), level("partnership"))
        self.assertEqual(_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}), [["a", "b", "c"]])
