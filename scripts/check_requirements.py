"""Every third-party package the code imports is pinned exactly (``name==version``).

Product code must be covered by requirements.txt; tests, benchmarks and scripts by
requirements.txt or requirements-dev.txt. Run: ``.venv/bin/python scripts/check_requirements.py``
(exit status 1 and one line per unpinned import). The installed packages tell which distribution
provides an import name (``numpy`` -> numpy, ``yaml`` -> PyYAML); an import that no installed
distribution provides is reported too.
"""

from __future__ import annotations

import ast
import re
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {".venv", "var", "node_modules", "vendor", ".git"}
DEV_PARTS = {"tests", "bench", "scripts"}
# Test and development support outside tests/ (real SMTP server, browser harness, fixtures, the
# mail catcher `make run` starts): requirements-dev.txt, which `make setup` installs.
DEV_FILES = {
    "tsunagari/lib/browser.py",
    "tsunagari/lib/smtp.py",
    "tsunagari/lib/testing.py",
    "tsunagari/lib/outbox/management/commands/mail_catcher.py",
    "conftest.py",
}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(path: Path) -> set[str]:
    names: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==\S+", line)
        if match:
            names.add(normalise(match.group(1)))
    return names


def local_names() -> set[str]:
    names = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    names |= {p.stem for p in ROOT.glob("*.py")}
    names |= {p.stem for p in (ROOT / "scripts").glob("*.py")}
    names |= {p.stem for p in (ROOT / "bench").glob("*.py")}
    return names


def top_level_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def problems() -> list[str]:
    product = pinned(ROOT / "requirements.txt")
    dev = product | pinned(ROOT / "requirements-dev.txt")
    providers = packages_distributions()
    ours = local_names()
    result = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if SKIP & set(rel.parts):
            continue
        allowed = dev if DEV_PARTS & set(rel.parts) or str(rel) in DEV_FILES else product
        which = "requirements.txt or requirements-dev.txt" if allowed is dev else "requirements.txt"
        for name in sorted(top_level_imports(path)):
            if name in sys.stdlib_module_names or name in ours or name == "__future__":
                continue
            dists = {normalise(d) for d in providers.get(name, [])}
            if not dists:
                result.append(f"{rel}: imports {name}, which no installed package provides")
            elif not dists & allowed:
                result.append(f"{rel}: imports {name} ({', '.join(sorted(dists))}), not pinned in {which}")
    return result


if __name__ == "__main__":
    found = problems()
    print("\n".join(found) if found else "every imported package is pinned")
    sys.exit(1 if found else 0)
