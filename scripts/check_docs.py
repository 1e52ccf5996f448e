"""Fail when generated docs or the README's --help block drift from the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from capwatch.docs import capabilities_markdown, rules_markdown

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    problems = []
    for name, text in (("rules.md", rules_markdown()), ("capabilities.md", capabilities_markdown())):
        path = ROOT / "docs" / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            problems.append(f"docs/{name} is out of date: run `make docs`")
    help_text = subprocess.run(
        [sys.executable, "-m", "capwatch", "scan", "--help"],
        capture_output=True, text=True, check=True, env={"COLUMNS": "100", "PATH": ""},
    ).stdout.strip()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    if help_text not in readme:
        problems.append("README.md's `capwatch scan --help` block differs from the CLI: paste the output of "
                        "`COLUMNS=100 capwatch scan --help`")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
