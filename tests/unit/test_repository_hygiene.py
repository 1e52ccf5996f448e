"""No tracked file may be a copy of a corpus sample (the one empty sample included)."""

from __future__ import annotations

import csv
import hashlib
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT.parent / "shared" / "corpus" / "malicious.tsv"


def _tracked() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return [ROOT / p for p in out.stdout.decode().split("\0") if p]


def test_no_tracked_file_is_empty() -> None:
    empty = [str(p.relative_to(ROOT)) for p in _tracked() if p.is_file() and p.stat().st_size == 0]
    assert not empty, f"empty files match the corpus's empty sample; give them content: {empty}"


@pytest.mark.skipif(not MANIFEST.exists(), reason="../shared/corpus is not present")
def test_no_tracked_file_is_a_corpus_sample() -> None:
    with MANIFEST.open(encoding="utf-8") as handle:
        samples = {row["sha256"] for row in csv.DictReader(handle, delimiter="\t")}
    copies = [
        str(p.relative_to(ROOT)) for p in _tracked()
        if p.is_file() and hashlib.sha256(p.read_bytes()).hexdigest() in samples
    ]
    assert not copies, copies
