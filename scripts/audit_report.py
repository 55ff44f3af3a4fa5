"""Read pip-audit's JSON report (``scripts/test.sh audit``) and answer what it really says.

pip-audit prints "No known vulnerabilities found" and exits 0 even when the vulnerability
service could not be asked about a single package. Exit codes:
  0  every package audited, no known vulnerability
  1  a known vulnerability (listed with the versions that fix it)
  3  some packages could not be audited (the step shows NOT RUN)
"""

from __future__ import annotations

import json
import sys


def verdict(report: dict) -> tuple[int, list[str]]:
    deps = report.get("dependencies", [])
    lines = []
    for dep in deps:
        for vuln in dep.get("vulns", []):
            fix = ", ".join(vuln.get("fix_versions") or []) or "no fix yet"
            lines.append(f"VULNERABLE {dep['name']} {dep.get('version', '?')}: {vuln['id']} (fixed in {fix})")
    if lines:
        return 1, lines
    skipped = [dep for dep in deps if "skip_reason" in dep]
    if skipped or not deps:
        reason = skipped[0]["skip_reason"] if skipped else "the report lists no package"
        return 3, [
            f"dependency audit NOT RUN for {len(skipped)} of {len(deps)} pinned packages: "
            f"the vulnerability service did not answer (e.g. {reason})."
        ]
    return 0, [f"dependency audit: {len(deps)} pinned packages, no known vulnerability"]


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        code, lines = verdict(json.load(handle))
    print("\n".join(lines))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
