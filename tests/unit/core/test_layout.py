"""Artifact identity and the role (phase) of each file."""

from __future__ import annotations

from capwatch.ecosystem.layout import identify, plan_files
from capwatch.model import ArtifactKind, Ecosystem, Phase


def _reader(files: dict[str, str]):  # type: ignore[no-untyped-def]
    return lambda path: files[path].encode() if path in files else None


def plan(files: dict[str, str]) -> dict[str, tuple[str, Phase, str]]:
    read = _reader(files)
    identity = identify(list(files), read)
    return {p.path: (p.module, p.phase, p.role) for p in plan_files(identity, list(files), read)}


def test_sdist_identity_from_pkg_info_not_file_name() -> None:
    files = {"x-1/PKG-INFO": "Metadata-Version: 2.1\nName: real-name\nVersion: 2.0\n", "x-1/setup.py": ""}
    identity = identify(list(files), _reader(files))
    assert (identity.ecosystem, identity.kind, identity.name, identity.version, identity.root) == (
        Ecosystem.PYPI, ArtifactKind.SDIST, "real-name", "2.0", "x-1/")


def test_wheel_identity() -> None:
    files = {"p/__init__.py": "", "p-1.0.dist-info/METADATA": "Name: p\nVersion: 1.0\n"}
    identity = identify(list(files), _reader(files))
    assert identity.kind is ArtifactKind.WHEEL and identity.name == "p"


def test_npm_identity() -> None:
    files = {"package/package.json": '{"name": "left-pad", "version": "1.3.0"}', "package/index.js": ""}
    identity = identify(list(files), _reader(files))
    assert (identity.ecosystem, identity.name, identity.version) == (Ecosystem.NPM, "left-pad", "1.3.0")


def test_roles_of_files_in_an_sdist() -> None:
    roles = plan({
        "d-1/PKG-INFO": "Name: d\nVersion: 1\n",
        "d-1/setup.py": "",
        "d-1/src/d/__init__.py": "",
        "d-1/src/d/__main__.py": "",
        "d-1/tests/test_d.py": "",
        "d-1/docs/conf.py": "",
        "d-1/d_hook.pth": "",
        "d-1/sitecustomize.py": "",
        "d-1/tools/__init__.py": "",
    })
    assert roles["d-1/setup.py"] == ("setup", Phase.INSTALL, "setup-script")
    assert roles["d-1/src/d/__init__.py"] == ("d", Phase.IMPORT, "module")
    assert roles["d-1/src/d/__main__.py"][1] is Phase.RUNTIME
    assert roles["d-1/tests/test_d.py"][1] is Phase.RUNTIME
    assert roles["d-1/docs/conf.py"][1] is Phase.RUNTIME
    assert roles["d-1/d_hook.pth"][1:] == (Phase.STARTUP, "pth")
    assert roles["d-1/sitecustomize.py"][1:] == (Phase.STARTUP, "startup-module")
    # a top-level package that happens to be named like a tooling folder is still imported
    assert roles["d-1/tools/__init__.py"][1] is Phase.IMPORT


def test_wheel_pth_at_root_runs_at_startup_and_data_scripts_do_not() -> None:
    roles = plan({
        "w-1.dist-info/METADATA": "Name: w\nVersion: 1\n",
        "w.pth": "import w",
        "w/__init__.py": "",
        "w-1.data/scripts/tool.py": "",
    })
    assert roles["w.pth"][1] is Phase.STARTUP
    assert roles["w/__init__.py"][1] is Phase.IMPORT
    assert roles["w-1.data/scripts/tool.py"][1] is Phase.RUNTIME


def test_sdist_files_nothing_can_import_run_only_when_run() -> None:
    roles = plan({
        "d-1/PKG-INFO": "Name: d\nVersion: 1\n",
        "d-1/setup.py": "",
        "d-1/d/__init__.py": "",
        "d-1/d/core.py": "",
        "d-1/external/lib/third_party/build_tool.py": "",
        "d-1/d/helpers/update-data.py": "",
        "d-1/d/helpers/__init__.py": "",
        "d-1/manual tests/case.py": "",
        "d-1/tests/__init__.py": "",
        "d-1/tests/data/fixture.whl!other/__init__.py": "",
    })
    assert roles["d-1/d/core.py"][1] is Phase.IMPORT
    assert roles["d-1/external/lib/third_party/build_tool.py"][1] is Phase.RUNTIME
    assert roles["d-1/d/helpers/update-data.py"][1] is Phase.RUNTIME
    assert roles["d-1/manual tests/case.py"][1] is Phase.RUNTIME
    assert roles["d-1/tests/data/fixture.whl!other/__init__.py"][1] is Phase.RUNTIME


def test_a_virtual_environment_shipped_in_an_sdist_is_not_installed() -> None:
    roles = plan({
        "v-1/PKG-INFO": "Name: v\nVersion: 1\n",
        "v-1/setup.py": "",
        "v-1/v/__init__.py": "",
        "v-1/venv/Lib/site-packages/setuptools/__init__.py": "",
        "v-1/venv/Lib/site-packages/setuptools/package_index.py": "",
        "v-1/.venv/lib/python3.12/site-packages/six.py": "",
    })
    assert roles["v-1/v/__init__.py"][1] is Phase.IMPORT
    assert roles["v-1/venv/Lib/site-packages/setuptools/package_index.py"][1] is Phase.RUNTIME
    assert roles["v-1/.venv/lib/python3.12/site-packages/six.py"][1] is Phase.RUNTIME


def test_wheel_modules_are_installed_whatever_their_folders_are_named() -> None:
    roles = plan({
        "w/__init__.py": "",
        "w/data/__init__.py": "",
        "w/data/plugin.py": "",
        "w/tests/test_plugin.py": "",
        "w-1.0.dist-info/METADATA": "Name: w\nVersion: 1.0\n",
    })
    assert roles["w/data/plugin.py"][1] is Phase.IMPORT
    assert roles["w/tests/test_plugin.py"][1] is Phase.RUNTIME  # a test, by its name


def test_wheel_files_in_a_folder_without_init_below_a_package_are_data() -> None:
    """Scripts a package copies elsewhere (into a container, a template): no import of the
    package reaches them unless one of its modules imports them. A namespace package's folders
    have no package above them, and their modules are imported."""
    roles = plan({
        "w/__init__.py": "",
        "w/challenges/web/solution/solve.py": "",
        "w/challenges/web/app/__init__.py": "",
        "w/challenges/web/app/server.py": "",
        "space/tool/__init__.py": "",
        "space/tool/core.py": "",
        "loose/helper.py": "",
        "w-1.0.dist-info/METADATA": "Name: w\nVersion: 1.0\n",
    })
    assert roles["w/challenges/web/solution/solve.py"][1:] == (Phase.RUNTIME, "not-installed")
    assert roles["w/challenges/web/app/server.py"][1] is Phase.IMPORT
    assert roles["space/tool/core.py"][1] is Phase.IMPORT
    assert roles["loose/helper.py"][1] is Phase.IMPORT


def test_compiled_modules_without_source_and_pickles_are_planned() -> None:
    roles = plan({
        "c-1/PKG-INFO": "Name: c\nVersion: 1\n",
        "c-1/setup.py": "",
        "c-1/setup.pyc": "",
        "c-1/c/__init__.pyc": "",
        "c-1/c/util.py": "",
        "c-1/c/util.pyc": "",
        "c-1/c/__pycache__/gone.cpython-311.pyc": "",
        "c-1/c/weights.pkl": "",
        "c-1/c/model.pt!archive/data.pkl": "",
    })
    assert roles["c-1/c/__init__.pyc"] == ("c", Phase.IMPORT, "compiled")
    assert roles["c-1/c/util.py"] == ("c.util", Phase.IMPORT, "module")  # its package is compiled
    assert roles["c-1/c/weights.pkl"][1:] == (Phase.RUNTIME, "pickle")
    assert roles["c-1/c/model.pt!archive/data.pkl"][1:] == (Phase.RUNTIME, "pickle")
    # a compiled file beside its source, in __pycache__ without it, or setup.pyc is not a module
    assert not {"c-1/c/util.pyc", "c-1/c/__pycache__/gone.cpython-311.pyc", "c-1/setup.pyc"} & set(roles)
