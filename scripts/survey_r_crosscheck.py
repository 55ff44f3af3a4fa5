"""Print estimates and SEs from R's survey package beside surveys.stats.estimation (svy), and the largest gaps.

Same data and designs as surveys/tests/test_estimation_r.py (stratified; post-stratified to
sex × age; raked to sex, age and region), which asserts the agreement in CI.
Run: .venv/bin/python scripts/survey_r_crosscheck.py
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import django


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagari.settings")
    django.setup()
    from surveys.stats.estimation import KIND_MEAN, KIND_PROP, estimate
    from surveys.tests.test_estimation_r import PLANS, R_SCRIPT, make_frame

    rscript = shutil.which("Rscript")
    assert rscript, "Rscript not found (make setup installs it)"
    frame = make_frame()
    with tempfile.TemporaryDirectory() as tmp:
        data, script, result = Path(tmp, "d.csv"), Path(tmp, "s.R"), Path(tmp, "r.csv")
        frame.write_csv(data)
        script.write_text(R_SCRIPT)
        subprocess.run([rscript, str(script), str(data), str(result)], check=True, capture_output=True)  # noqa: S603
        with result.open() as handle:
            rows = list(csv.DictReader(handle))
    r_rows = {(x["design"], x["kind"], x["group"], x["category"]): x for x in rows}
    gaps: dict[tuple[str, str], float] = {}
    print(
        f"{'design':6} {'kind':5} {'group':5} {'cat':3} {'R est':>10} {'svy est':>10} {'R se':>10} {'svy se':>10}"
    )
    cases = (
        (KIND_PROP, "q", None),
        (KIND_PROP, "q", "region"),
        (KIND_MEAN, "score", None),
        (KIND_MEAN, "score", "region"),
    )
    for name, plan in PLANS.items():
        for kind, question, by in cases:
            table = estimate(frame, question, by=by, weight="w", strata="stratum", plan=plan, kind=kind)
            for row in table.rows:
                theirs = r_rows[(name, kind, row.group or "", row.category or "")]
                for key, ours in (
                    ("est", row.estimate),
                    ("se", row.se),
                    ("lo", row.ci_low),
                    ("hi", row.ci_high),
                ):
                    gaps[(name, key)] = max(gaps.get((name, key), 0.0), abs(ours - float(theirs[key])))
                if row.category in ("1", None) and row.group in (None, "N"):
                    print(
                        f"{name:6} {kind:5} {row.group or '-':5} {row.category or '-':3} {float(theirs['est']):10.6f} "
                        f"{row.estimate:10.6f} {float(theirs['se']):10.6f} {row.se:10.6f}"
                    )
    print("largest |svy - R| over all rows (est, se, CI bounds):")
    for (name, key), gap in sorted(gaps.items()):
        print(f"  {name:5} {key:3} {gap:.2e}")


if __name__ == "__main__":
    main()
