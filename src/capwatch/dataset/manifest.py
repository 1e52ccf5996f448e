"""Labelled sources for evaluation: a directory of artifacts, or a manifest TSV.

A *source* gives every artifact it names one label (malicious or benign) and, where it can, a
group: the malware *family* of a malicious artifact, the *project* of a benign one.

* A directory: every artifact below it, found exactly as ``capwatch scan DIR`` finds them. For a
  benign directory the project is the first path component below it
  (``benign/<project>/<file>``); malicious artifacts of a directory have no family (the caller
  derives one, see :mod:`capwatch.dataset.families`).
* A manifest: a tab-separated file with a header row. ``path`` is relative to the manifest's
  folder. Optional columns: ``family`` (malicious) and ``name`` (benign project). A manifest with
  no ``path`` column but ``name`` and ``filename`` columns (the ``benign.tsv`` of the corpus) names
  ``<name>/<filename>`` below the benign corpus folder: ``$CAPWATCH_BENIGN_DIR``, else
  ``~/.cache/capwatch-corpus/benign``. Rows whose file is absent are skipped and counted as
  missing, so a partly downloaded corpus still evaluates.
"""

from __future__ import annotations

import csv
import enum
import os
from dataclasses import dataclass
from pathlib import Path

from capwatch.errors import UsageError
from capwatch.sources.local import iter_directory

BENIGN_DIR_ENV = "CAPWATCH_BENIGN_DIR"
DEFAULT_BENIGN_DIR = Path("~/.cache/capwatch-corpus/benign")


class Label(enum.Enum):
    MALICIOUS = "malicious"
    BENIGN = "benign"


@dataclass(frozen=True, slots=True)
class Sample:
    """One labelled artifact file."""

    label: Label
    path: Path
    display: str
    """How reports name it: the path relative to the source (directory or manifest folder)."""
    group: str | None
    """Family (malicious) or project (benign); ``None`` when the source does not say."""


@dataclass(frozen=True, slots=True)
class LabelledSource:
    label: Label
    origin: str
    """The source as given on the command line."""
    samples: tuple[Sample, ...]
    missing: tuple[str, ...] = ()
    """Manifest rows whose file does not exist (display paths), skipped."""


def benign_dir() -> Path:
    """Where ``benign.tsv``-style manifests (no ``path`` column) find their files."""
    configured = os.environ.get(BENIGN_DIR_ENV)
    return Path(configured).expanduser() if configured else DEFAULT_BENIGN_DIR.expanduser()


def load_source(source: Path, label: Label) -> LabelledSource:
    """Read a directory or manifest into labelled samples. Raises :class:`UsageError` if unusable."""
    origin = str(source)
    source = source.expanduser()
    if source.is_dir():
        return _from_directory(source, label, origin)
    if source.is_file():
        return _from_manifest(source, label, origin)
    raise UsageError(f"{origin}: no such directory or manifest file")


def _from_directory(root: Path, label: Label, origin: str) -> LabelledSource:
    samples: list[Sample] = []
    for target in iter_directory(root):
        relative = target.path.relative_to(root)
        group: str | None = None
        if label is Label.BENIGN:
            group = relative.parts[0] if len(relative.parts) > 1 else _project_of(relative.name)
        samples.append(Sample(label, target.path, relative.as_posix(), group))
    return LabelledSource(label, origin, tuple(samples))


def _project_of(filename: str) -> str:
    """A project name for a file lying directly in a benign directory: its name before the version."""
    stem = filename
    for suffix in (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".zip", ".whl", ".egg"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    name, _, _ = stem.partition("-")
    return name.lower().replace("_", "-") or filename


def _from_manifest(manifest: Path, label: Label, origin: str) -> LabelledSource:
    try:
        with manifest.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            columns = [c.strip() for c in reader.fieldnames or ()]
            rows = [{(k or "").strip(): (v or "").strip() for k, v in row.items()} for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"{origin}: cannot read manifest ({exc})") from None
    if "path" in columns:
        base = manifest.parent
        column = "path"
    elif "name" in columns and "filename" in columns:
        base = benign_dir() if label is Label.BENIGN else manifest.parent
        column = ""
    else:
        raise UsageError(
            f"{origin}: not a manifest",
            diagnostic=(
                f"{origin}: not a manifest: a tab-separated file needs a 'path' column (or 'name' "
                f"and 'filename' columns); found columns: {', '.join(columns) or 'none'}"
            ),
        )
    group_column = "family" if label is Label.MALICIOUS else "name"
    samples: list[Sample] = []
    missing: list[str] = []
    for row in rows:
        relative = row[column] if column else f"{row.get('name', '')}/{row.get('filename', '')}"
        if not relative or relative == "/":
            continue
        path = base / relative
        if not path.is_file():
            missing.append(relative)
            continue
        group = row.get(group_column) or None
        if group is None and label is Label.BENIGN:
            parts = Path(relative).parts
            group = parts[0] if len(parts) > 1 else _project_of(parts[-1])
        samples.append(Sample(label, path, relative, group))
    return LabelledSource(label, origin, tuple(samples), tuple(missing))
