"""Runs the fault suite and prints its table (tried / handled / lost, with the figures).

    python tests/faults/fault_table.py

Each test of tests/faults injects one fault into real `kedro run` processes or the real
node code and records a row when it passes; a failing test is a row marked NOT handled.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "faults.jsonl"
        junit = Path(tmp) / "junit.xml"
        env = {**os.environ, "FAULT_REPORT": str(report)}
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:warnings", "tests/faults", f"--junitxml={junit}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        rows = [json.loads(line) for line in report.read_text().splitlines()] if report.exists() else []
        failed = proc.stdout.count("FAILED") + proc.stdout.count("ERROR ")
    print("| fault | tried | handled | lost | figures |")
    print("|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['fault']} | 1 | {'yes' if row['handled'] else 'NO'} | {row['lost']} | {row['figures']} |")
    summary = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    print(f"\n{len(rows)} faults handled; pytest: {summary}")
    if failed:
        print(proc.stdout[-5000:])
    return proc.returncode


if __name__ == "__main__":
    raise SystemExit(main())
