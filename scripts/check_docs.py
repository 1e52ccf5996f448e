"""Fail when generated docs or the README's --help block drift from the code."""

from __future__ import annotations

import re
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
    if _plain(help_text) not in _plain(readme):
        problems.append("README.md's `capwatch scan --help` block differs from the CLI: paste the output of "
                        "`COLUMNS=100 capwatch scan --help`")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


_SHORT_AND_LONG = re.compile(r"(-\w) (\S+), (--[\w-]+) \2")


def _plain(text: str) -> str:
    """Help text as any supported Python's argparse writes it: 3.13 lists ``-f, --format FMT``
    where 3.11 writes ``-f FMT, --format FMT``, and wraps the lines differently."""
    return " ".join(_SHORT_AND_LONG.sub(r"\1, \3 \2", text).split())


if __name__ == "__main__":
    raise SystemExit(main())
