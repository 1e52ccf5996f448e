"""The commands a package installs, and which of them take over another program's name."""

from __future__ import annotations

import pytest
from tests.helpers import sdist_bytes, wheel_bytes

from capwatch.ecosystem.commands import MAX_COMMANDS, read_commands, takes_over
from capwatch.ecosystem.layout import identify
from capwatch.engine import scan_bytes
from capwatch.model import ArtifactKind, HookKind, Phase


def _reader(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda path: files[path].encode() if path in files else None


def commands_of(files: dict[str, str]) -> set[tuple[str, str, str]]:
    identity = identify(list(files), _reader(files))
    return {(c.name, c.target, c.source) for c in identity.commands}


@pytest.mark.parametrize(
    ("command", "project", "expected"),
    [
        ("pip", "quickpip", True),
        ("pip3", "quickpip", True),
        ("pip3.12", "quickpip", True),
        ("PIP.exe", "quickpip", True),
        ("pip", "pip", False),
        ("python3", "fastpy", True),
        ("pythonw", "fastpy", True),
        ("python3", "python", True),
        ("sudo", "sudohelp", True),
        ("ls", None, True),
        ("pip-compile", "pip-tools", False),
        ("pipx", "pipx", False),
        ("python-lsp-server", "python-lsp-server", False),
        ("linecount", "linecount", False),
    ],
)
def test_takes_over(command: str, project: str | None, expected: bool) -> None:
    assert takes_over(command, project) is expected


def test_wheel_entry_points() -> None:
    files = {
        "p/__init__.py": "",
        "p-1.0.dist-info/METADATA": "Name: p\nVersion: 1.0\n",
        "p-1.0.dist-info/entry_points.txt": (
            "[console_scripts]\npip = p.cli:main\nTool = p.cli:tool\n"
            "[gui_scripts]\np-gui = p.gui:run\n[p.plugins]\nnot_a_command = p.x:y\n"
        ),
    }
    assert commands_of(files) == {
        ("pip", "p.cli:main", "p-1.0.dist-info/entry_points.txt"),
        ("Tool", "p.cli:tool", "p-1.0.dist-info/entry_points.txt"),
        ("p-gui", "p.gui:run", "p-1.0.dist-info/entry_points.txt"),
    }


def test_sdist_declarations_egg_info_setup_cfg_and_pyproject() -> None:
    files = {
        "d-1/PKG-INFO": "Name: d\nVersion: 1\n",
        "d-1/setup.py": "",
        "d-1/src/d.egg-info/entry_points.txt": "[console_scripts]\na = d:a\n",
        "d-1/setup.cfg": "[options.entry_points]\nconsole_scripts =\n    b = d:b\n    c=d:c\n",
        "d-1/pyproject.toml": '[project]\nname = "d"\n[project.scripts]\ne = "d:e"\n'
        '[project.gui-scripts]\nf = "d:f"\n',
        # a fixture inside the sdist is not the artifact's own metadata
        "d-1/tests/data/x.egg-info/entry_points.txt": "[console_scripts]\npip = x:main\n",
    }
    assert {name for name, _, _ in commands_of(files)} == {"a", "b", "c", "e", "f"}


def test_npm_bin() -> None:
    files = {
        "package/package.json": '{"name": "@scope/tool", "version": "1.0.0", "bin": "cli.js"}',
        "package/cli.js": "",
    }
    assert commands_of(files) == {("tool", "cli.js", "package.json")}
    files["package/package.json"] = '{"name": "t", "version": "1", "bin": {"npm": "x.js"}}'
    assert commands_of(files) == {("npm", "x.js", "package.json")}


def test_broken_declarations_give_nothing() -> None:
    files = {
        "d-1/PKG-INFO": "Name: d\nVersion: 1\n",
        "d-1/setup.py": "",
        "d-1/d.egg-info/entry_points.txt": "console_scripts\n= = =\n[[[",
        "d-1/pyproject.toml": "[project\nname=",
        "d-1/setup.cfg": "\x00\x01",
    }
    assert commands_of(files) == set()


def test_commands_are_capped() -> None:
    many = "".join(f"c{i} = d:f{i}\n" for i in range(MAX_COMMANDS + 50))
    files = {"d-1/setup.py": "", "d-1/d.egg-info/entry_points.txt": "[console_scripts]\n" + many}
    commands = read_commands(ArtifactKind.SDIST, "d-1/", list(files), _reader(files))
    assert len(commands) == MAX_COMMANDS


def test_takeover_command_runs_at_startup_and_is_a_hook() -> None:
    code = (
        "import socket, subprocess\n"
        "def main():\n    helper()\n"
        "def helper():\n    subprocess.call(['id'])\n"
        "def unrelated():\n    socket.socket()\n"
    )
    files = {
        "fakepip/__init__.py": code,
        "fakepip-0.1.dist-info/entry_points.txt": "[console_scripts]\npip3 = fakepip:main\n",
    }
    result = scan_bytes(wheel_bytes(files, name="fakepip"), "fakepip.whl")
    assert {c.phase for c in result.capabilities if c.id == "proc.spawn"} == {Phase.STARTUP}
    assert {c.phase for c in result.capabilities if c.id == "net.socket"} == {Phase.RUNTIME}
    assert result.inventory is not None
    hooks = [h for h in result.inventory.hooks if h.kind is HookKind.COMMAND_TAKEOVER]
    assert [(h.path, h.detail) for h in hooks] == [
        ("fakepip-0.1.dist-info/entry_points.txt", "pip3 = fakepip:main")
    ]
    assert any(f.rule == "CW125" and f.phase is Phase.STARTUP for f in result.findings)


def test_own_command_changes_no_phase() -> None:
    files = {
        "tool/__init__.py": "import subprocess\ndef main():\n    subprocess.call(['id'])\n",
        "setup.py": "from setuptools import setup\nsetup(name='tool')\n",
        "tool.egg-info/entry_points.txt": "[console_scripts]\ntool = tool:main\n",
    }
    result = scan_bytes(sdist_bytes(files), "tool.tar.gz")
    assert {c.phase for c in result.capabilities if c.id == "proc.spawn"} == {Phase.RUNTIME}
    assert not [f for f in result.findings if f.rule == "CW125"]
