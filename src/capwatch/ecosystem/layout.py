"""What an artifact is and what each of its files does when the package is installed and used.

One function per question: :func:`identify` says which ecosystem and kind of artifact the member
list is and reads its name and version from the metadata inside (never from the file name);
:func:`plan_files` says, for every source file, which module it defines and in which phase its
module-level code runs. Phases of functions are decided later from the call graph.
"""

from __future__ import annotations

import dataclasses
import email.parser
import hashlib
import json
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from capwatch.artifact.members import NESTED_SEPARATOR
from capwatch.ecosystem.commands import read_commands
from capwatch.model import ArtifactKind, Command, Ecosystem, Metadata, Phase

DESCRIPTION_CHARS = 64 * 1024
"""Long descriptions are kept for rules up to this many characters."""

_NON_LIBRARY_DIRS = frozenset(
    {
        "test", "tests", "testing", "doc", "docs", "example", "examples", "benchmark",
        "benchmarks", "bench", "scripts", "tools", "ci", ".github", "demo", "demos", "sample",
        "samples", "tutorial", "tutorials", "contrib", "dev", "devtools", "build_tools",
        "conftest", "asv_bench", "notebooks",
        # a virtual environment or an installed tree shipped by mistake: what the developer had
        # installed, not what this package installs
        "venv", ".venv", ".tox", ".nox", "site-packages", "dist-packages",
    }
)
"""Directories whose modules are not imported when the package is used; their top-level code
runs only when a developer runs them, so it is ``runtime``."""

NON_LIBRARY_DIRS = _NON_LIBRARY_DIRS
"""Public name for other modules (drift) that ask whether a path is tests, docs or tooling."""

_STARTUP_MODULES = frozenset({"sitecustomize", "usercustomize"})


@dataclass(frozen=True, slots=True)
class Identity:
    ecosystem: Ecosystem
    kind: ArtifactKind
    name: str | None
    version: str | None
    root: str
    """Prefix of member paths that is the package's root (``pkg-1.0/`` for an sdist)."""
    metadata: Metadata | None = None
    """The metadata file's content, when the artifact has one."""
    description: str = ""
    """The long description's text (first :data:`DESCRIPTION_CHARS`), for metadata rules."""
    npm_scripts: tuple[tuple[str, str], ...] = ()
    """npm ``scripts`` entries (name, command)."""
    commands: tuple[Command, ...] = ()
    """The commands the package installs (:mod:`capwatch.ecosystem.commands`)."""


PICKLE_SUFFIXES = (".pkl", ".pickle", ".pck", ".joblib", ".npy")
"""Members planned as pickles (:mod:`capwatch.lang.serialized`). PyTorch checkpoints are zip
archives: the reader opens ``.pt``, ``.pth`` and ``.ckpt`` members that are archives, and the
``data.pkl`` inside is one."""


NOT_INSTALLED = "not-installed"
"""The role of a file no installer puts on the user's machine: tests, tools and examples of a
source tree, members of archives shipped as data, files no import statement can name."""


@dataclass(frozen=True, slots=True)
class FilePlan:
    path: str
    """Member path inside the artifact."""
    module: str
    """Dotted module name the file defines (empty for scripts outside any package)."""
    is_package: bool
    phase: Phase
    """When the file's module-level code runs."""
    role: str
    """Why: ``setup-script``, ``build-backend``, ``pth``, ``startup-module``, ``module``,
    ``script``, ``not-installed``, ``pickle`` (serialized objects shipped as data), ``compiled``
    (a ``.pyc`` module shipped without its source)."""


def _common_root(paths: Sequence[str]) -> str:
    tops = {p.split("/", 1)[0] for p in paths if "/" in p}
    if len(tops) == 1 and all("/" in p for p in paths):
        return next(iter(tops)) + "/"
    return ""


def _parse_metadata(text: str, source: str) -> tuple[Metadata, str]:
    """Core metadata (``PKG-INFO``/``METADATA``) as a :class:`Metadata` and the description."""
    msg = email.parser.HeaderParser().parsestr(text[: 256 * 1024])
    description = msg.get("Description") or ""
    if not description.strip():
        payload = msg.get_payload()
        description = payload if isinstance(payload, str) else ""
    description = description.strip()

    def header(key: str) -> str:
        value = msg.get(key)
        return str(value).strip() if value is not None and str(value).strip() != "UNKNOWN" else ""

    metadata = Metadata(
        name=str(msg.get("Name") or "").strip() or None,
        version=str(msg.get("Version") or "").strip() or None,
        summary=header("Summary"),
        description_length=len(description),
        description_sha256=_digest(description),
        author=header("Author"),
        author_email=header("Author-email"),
        maintainer=header("Maintainer"),
        maintainer_email=header("Maintainer-email"),
        home_page=header("Home-page"),
        project_urls=tuple(str(v).strip() for v in msg.get_all("Project-URL") or ()),
        requires_dist=tuple(str(v).strip() for v in msg.get_all("Requires-Dist") or ()),
        source=source,
    )
    return metadata, description[:DESCRIPTION_CHARS]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest() if text else ""


def _npm_metadata(
    meta: dict[str, object], source: str
) -> tuple[Metadata, str, tuple[tuple[str, str], ...]]:
    def text(key: str) -> str:
        value = meta.get(key)
        return value.strip() if isinstance(value, str) else ""

    def person(value: object) -> tuple[str, str]:
        if isinstance(value, dict):
            name, email = value.get("name"), value.get("email")
            return (name if isinstance(name, str) else "", email if isinstance(email, str) else "")
        if isinstance(value, str):
            found = re.search(r"<([^>]+)>", value)
            return value.split("<")[0].strip(), found.group(1) if found else ""
        return "", ""

    author, author_email = person(meta.get("author"))
    maintainers = meta.get("maintainers")
    first = maintainers[0] if isinstance(maintainers, list) and maintainers else None
    maintainer, maintainer_email = person(first)
    deps = meta.get("dependencies")
    requires = tuple(
        f"{k} {v}" for k, v in sorted(deps.items()) if isinstance(v, str)
    ) if isinstance(deps, dict) else ()
    scripts = meta.get("scripts")
    hooks = tuple(
        (k, v) for k, v in sorted(scripts.items())
        if isinstance(v, str) and k in _NPM_LIFECYCLE
    ) if isinstance(scripts, dict) else ()
    repository = meta.get("repository")
    repo_url = repository.get("url") if isinstance(repository, dict) else repository
    description = text("readme") or text("description")
    metadata = Metadata(
        name=text("name") or None,
        version=text("version") or None,
        summary=text("description"),
        description_length=len(description),
        description_sha256=_digest(description),
        author=author,
        author_email=author_email,
        maintainer=maintainer,
        maintainer_email=maintainer_email,
        home_page=text("homepage"),
        project_urls=(f"repository, {repo_url}",) if isinstance(repo_url, str) else (),
        requires_dist=requires,
        source=source,
    )
    return metadata, description[:DESCRIPTION_CHARS], hooks


_NPM_LIFECYCLE = frozenset(
    {"preinstall", "install", "postinstall", "prepare", "preprepare", "postprepare", "prepublish"}
)


def identify(paths: Sequence[str], read: Callable[[str], bytes | None]) -> Identity:
    """Identify the artifact from its member paths; ``read`` fetches a member's bytes."""
    identity = _identify(paths, read)
    commands = read_commands(identity.kind, identity.root, paths, read)
    return dataclasses.replace(identity, commands=commands) if commands else identity


def _identify(paths: Sequence[str], read: Callable[[str], bytes | None]) -> Identity:
    path_set = set(paths)
    wheel_meta = [p for p in paths if re.fullmatch(r"[^/]+\.dist-info/METADATA", p)]
    if wheel_meta:
        meta, description = _parse_metadata(_text(read(wheel_meta[0])), wheel_meta[0])
        return Identity(
            Ecosystem.PYPI, ArtifactKind.WHEEL, meta.name, meta.version, "", meta, description
        )
    if "EGG-INFO/PKG-INFO" in path_set:
        meta, description = _parse_metadata(_text(read("EGG-INFO/PKG-INFO")), "EGG-INFO/PKG-INFO")
        return Identity(
            Ecosystem.PYPI, ArtifactKind.EGG, meta.name, meta.version, "", meta, description
        )
    root = _common_root(paths)
    if f"{root}package.json" in path_set and root in ("package/", ""):
        try:
            package: object = json.loads(_text(read(f"{root}package.json")))
        except ValueError:
            package = {}
        if isinstance(package, dict):
            name = package.get("name") if isinstance(package.get("name"), str) else None
            version = package.get("version") if isinstance(package.get("version"), str) else None
            npm_meta, description, scripts = _npm_metadata(package, "package.json")
            return Identity(
                Ecosystem.NPM, ArtifactKind.NPM_TARBALL, name, version, root, npm_meta,
                description, scripts,
            )
    for marker in ("PKG-INFO", "setup.py", "pyproject.toml", "setup.cfg"):
        if f"{root}{marker}" in path_set:
            if f"{root}PKG-INFO" in path_set:
                meta, description = _parse_metadata(_text(read(f"{root}PKG-INFO")), "PKG-INFO")
                return Identity(
                    Ecosystem.PYPI, ArtifactKind.SDIST, meta.name, meta.version, root, meta,
                    description,
                )
            return Identity(Ecosystem.PYPI, ArtifactKind.SDIST, None, None, root)
    return Identity(Ecosystem.UNKNOWN, ArtifactKind.SOURCE, None, None, root)


def _text(data: bytes | None) -> str:
    return data.decode("utf-8", "replace") if data else ""


def _build_backend_modules(pyproject: bytes | None) -> tuple[list[str], str | None]:
    """In-tree build backends: ``backend-path`` directories and the backend module."""
    if not pyproject:
        return [], None
    try:
        data = tomllib.loads(pyproject.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        return [], None
    build = data.get("build-system", {})
    if not isinstance(build, dict):
        return [], None
    paths = build.get("backend-path", [])
    backend = build.get("build-backend")
    if not isinstance(paths, list) or not isinstance(backend, str):
        return [], None
    return [str(p).strip("./") for p in paths], backend.split(":")[0]


def plan_files(
    identity: Identity, paths: Sequence[str], read: Callable[[str], bytes | None]
) -> list[FilePlan]:
    """Decide module name and top-level phase of every Python source, ``.pth`` file, pickle
    and compiled module shipped without its source."""
    root = identity.root
    backend_dirs, backend_module = (
        _build_backend_modules(read(f"{root}pyproject.toml"))
        if identity.kind is ArtifactKind.SDIST and f"{root}pyproject.toml" in set(paths)
        else ([], None)
    )
    plans: list[FilePlan] = []
    path_set = frozenset(paths)
    for path in paths:
        if not path.startswith(root):
            continue
        rel = path[len(root) :]
        if identity.kind is ArtifactKind.WHEEL:
            rel = re.sub(r"^[^/]+\.data/(?:purelib|platlib)/", "", rel)
        lower = rel.lower()
        if lower.endswith(".pth"):
            in_root = "/" not in rel or identity.kind is not ArtifactKind.WHEEL
            plans.append(
                FilePlan(path, "", False, Phase.STARTUP if in_root else Phase.RUNTIME, "pth")
            )
            continue
        if lower.endswith(PICKLE_SUFFIXES):
            # data that runs what it names when loaded, by whatever code loads it
            plans.append(FilePlan(path, "", False, Phase.RUNTIME, "pickle"))
            continue
        if _sourceless(rel, path, path_set):
            # compiled without its source: Python imports it as it would import the source
            plan = _plan_python(identity, path[:-1], rel[:-1], backend_dirs, backend_module, path_set)
            plans.append(dataclasses.replace(plan, path=path, role="compiled"))
            continue
        if not lower.endswith((".py", ".pyw")):
            continue
        plans.append(_plan_python(identity, path, rel, backend_dirs, backend_module, path_set))
    return plans


def _sourceless(rel: str, path: str, all_paths: frozenset[str]) -> bool:
    """Whether ``rel`` is a compiled module (``mod.pyc``) that ships without its source, outside
    ``__pycache__`` (where Python reads a compiled file only beside its source). ``setup.pyc``
    is not run by any installer."""
    return (
        rel.endswith(".pyc")
        and "__pycache__/" not in rel
        and path[:-1] not in all_paths
        and rel != "setup.pyc"
    )


def _outside_packages(rel: str, all_paths: frozenset[str], prefix: str) -> bool:
    """Whether a wheel's file sits in a directory without ``__init__.py`` below one with it
    (``pkg/__init__.py``, ``pkg/challenges/web/solve.py``): files a package carries as data
    (scripts it copies into containers, templates, examples), which no import of the package
    reaches unless one of its modules names them (that import still reaches them). A namespace
    package's directories (``google/cloud/x/``) have no ``__init__.py`` above them."""
    dirs = rel.split("/")[:-1]
    def regular(depth: int) -> bool:
        directory = prefix + "/".join(dirs[:depth])
        return f"{directory}/__init__.py" in all_paths or f"{directory}/__init__.pyc" in all_paths
    return bool(dirs) and not regular(len(dirs)) and any(regular(d) for d in range(1, len(dirs)))


def _plan_python(
    identity: Identity,
    path: str,
    rel: str,
    backend_dirs: list[str],
    backend_module: str | None,
    all_paths: frozenset[str],
) -> FilePlan:
    from capwatch.lang.python.analyzer import module_name_for

    parts = rel.split("/")
    if identity.kind in (ArtifactKind.SDIST, ArtifactKind.SOURCE) and rel == "setup.py":
        return FilePlan(path, "setup", False, Phase.INSTALL, "setup-script")
    for backend_dir in backend_dirs:
        prefix = f"{backend_dir}/" if backend_dir else ""
        if rel.startswith(prefix):
            module, is_package = module_name_for(rel[len(prefix) :])
            if backend_module and (
                module == backend_module or module.startswith(backend_module + ".")
            ):
                return FilePlan(path, module, is_package, Phase.INSTALL, "build-backend")
    if identity.kind is ArtifactKind.WHEEL and re.match(r"[^/]+\.data/scripts/", rel):
        return FilePlan(path, "", False, Phase.RUNTIME, "script")
    if parts[0] in ("src", "lib") and len(parts) > 1:
        parts = parts[1:]
    module, is_package = module_name_for("/".join(parts))
    base = parts[-1].rsplit(".", 1)[0]
    if base in _STARTUP_MODULES and len(parts) == 1:
        return FilePlan(path, module, is_package, Phase.STARTUP, "startup-module")
    prefix = path[: len(path) - len(rel)]
    src_offset = len(rel.split("/")) - len(parts)

    def non_library(index: int) -> bool:
        if parts[index].lower() not in _NON_LIBRARY_DIRS:
            return False
        if index > 0:
            return True
        # A top-level directory that is a package (``tools/__init__.py``) is imported by name.
        dir_path = "/".join(rel.split("/")[: src_offset + 1])
        return f"{prefix}{dir_path}/__init__.py" not in all_paths

    if NESTED_SEPARATOR in rel or not base.isidentifier():
        # A member of an archive the package carries as data (``fixture.whl!pkg/mod.py``) is
        # never installed; a file no import statement can name (``tools/update-data.py``) is
        # never imported. Either runs only when run.
        return FilePlan(path, module, is_package, Phase.RUNTIME, NOT_INSTALLED)
    if (
        identity.kind in (ArtifactKind.SDIST, ArtifactKind.SOURCE)
        and len(parts) > 1
        and f"{path.rsplit('/', 1)[0]}/__init__.py" not in all_paths
        and f"{path.rsplit('/', 1)[0]}/__init__.pyc" not in all_paths
    ):
        # In a source tree, a module outside any package (``external/lib/build_tool.py``) is
        # not what gets installed: vendored trees and tooling. (Namespace packages keep an
        # ``__init__.py`` in the directories that hold their modules; a package compiled
        # without its source, an ``__init__.pyc``.)
        return FilePlan(path, module, is_package, Phase.RUNTIME, NOT_INSTALLED)
    if identity.kind is ArtifactKind.WHEEL and _outside_packages(rel, all_paths, prefix):
        return FilePlan(path, module, is_package, Phase.RUNTIME, NOT_INSTALLED)
    if base == "__main__" or any(non_library(i) for i in range(len(parts) - 1)):
        return FilePlan(path, module, is_package, Phase.RUNTIME, NOT_INSTALLED)
    if base.startswith(("test_", "conftest")) or base.endswith("_test"):
        return FilePlan(path, module, is_package, Phase.RUNTIME, NOT_INSTALLED)
    if len(parts) == 1 and identity.kind is ArtifactKind.SDIST and base in (
        "conf", "noxfile", "tasks", "fabfile", "manage", "bootstrap", "ez_setup", "versioneer",
        "release", "build", "make",
    ):
        # Top-level helper scripts of a source tree are not installed and not run by the build.
        return FilePlan(path, module, is_package, Phase.RUNTIME, NOT_INSTALLED)
    return FilePlan(path, module, is_package, Phase.IMPORT, "module")
