"""Shapes of popular packages outside the dev corpus that once reached the malicious tier:
each is small code written here, not a copy of the package."""

from __future__ import annotations

from tests.helpers import sdist_bytes

from capwatch.engine import scan_bytes
from capwatch.model import Phase, Severity, Verdict


def _scan(files: dict[str, str], name: str = "shapes"):  # type: ignore[no-untyped-def]
    return scan_bytes(sdist_bytes(files, top=f"{name}-1.0"), f"{name}-1.0.tar.gz")


def test_a_release_helper_running_its_own_setup_py_is_not_a_dropper() -> None:
    setup = (
        "import sys, urllib.request\nfrom subprocess import run\nfrom setuptools import setup\n"
        "def main(argv):\n"
        "    if argv[1:] == ['gen']:\n"
        "        with urllib.request.urlopen('https://example.com/schema.json') as resp:\n"
        "            open('schema.json', 'wb').write(resp.read())\n"
        "    elif argv[1:] == ['release']:\n"
        "        run('python3 setup.py sdist', shell=True)\n"
        "        run('twine upload dist/*', shell=True)\n"
        "    else:\n"
        "        setup(name='shapes', version='1.0')\n"
        "main(sys.argv)\n"
    )
    result = _scan({"setup.py": setup, "shapes/__init__.py": ""})
    fired = [f for f in result.findings if f.rule == "CW103"]
    assert fired and max(f.severity for f in fired) < Severity.CRITICAL
    assert result.verdict is not Verdict.MALICIOUS


def test_setting_an_attribute_of_a_function_at_import_does_not_run_it() -> None:
    package = (
        "import setuptools\nfrom shapes.appimage import bdist_appimage\n"
        "def setup(**attrs):\n"
        "    attrs.setdefault('cmdclass', {}).setdefault('bdist_appimage', bdist_appimage)\n"
        "    return setuptools.setup(**attrs)\n"
        "setup.__doc__ = setuptools.setup.__doc__\n"
    )
    command = (
        "import os, stat\nfrom urllib.request import urlretrieve\nfrom setuptools import Command\n"
        "class bdist_appimage(Command):\n"
        "    def run(self):\n"
        "        urlretrieve('https://example.com/tool.AppImage', 'tool.AppImage')\n"
        "        os.chmod('tool.AppImage', stat.S_IRWXU)\n"
    )
    result = _scan({
        "setup.py": "from setuptools import setup\nsetup(name='shapes', version='1.0')\n",
        "shapes/__init__.py": package,
        "shapes/appimage.py": command,
    })
    assert result.verdict is not Verdict.MALICIOUS
    assert all(f.phase is Phase.RUNTIME for f in result.findings if f.rule == "CW103")
