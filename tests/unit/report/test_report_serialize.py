"""The capwatch.scan/1 dict: exact keys and order, enum spelling, and the round trip."""

from __future__ import annotations

import enum
import json
import math
from dataclasses import replace
from pathlib import PurePosixPath
from typing import Any

import pytest

from capwatch.model import Phase, ScanResult, Verdict
from capwatch.report import SCHEMA, result_from_dict, result_to_dict

RESULT_KEYS = [
    "artifact",
    "verdict",
    "score",
    "findings",
    "capabilities",
    "error",
    "duration_ms",
    "files_scanned",
    "stats",
    "metadata",
    "inventory",
]
ARTIFACT_KEYS = ["path", "sha256", "ecosystem", "name", "version", "kind", "size", "container"]
FINDING_KEYS = [
    "rule",
    "title",
    "severity",
    "confidence",
    "phase",
    "capabilities",
    "indicators",
    "message",
    "location",
    "evidence",
]
EVIDENCE_KEYS = ["location", "snippet", "decode_chain", "decoded"]


def test_schema_id() -> None:
    assert SCHEMA == "capwatch.scan/1"


def test_exact_keys_in_order(malicious: ScanResult) -> None:
    d = result_to_dict(malicious)
    assert list(d) == RESULT_KEYS
    assert list(d["artifact"]) == ARTIFACT_KEYS
    for f in d["findings"]:
        assert list(f) == FINDING_KEYS
        for e in f["evidence"]:
            assert list(e) == EVIDENCE_KEYS
            assert list(e["location"]) == ["path", "line", "column"]
        assert f["location"] is None or list(f["location"]) == ["path", "line"]
    for c in d["capabilities"]:
        assert list(c) == ["id", "phase", "count"]


def test_values(malicious: ScanResult) -> None:
    d = result_to_dict(malicious)
    assert d["artifact"] == {
        "path": "dist/demo_pkg-0.1.0.tar.gz",
        "sha256": "a" * 64,
        "ecosystem": "pypi",
        "name": "demo-pkg",
        "version": "0.1.0",
        "kind": "sdist",
        "size": 4096,
        "container": "tar.gz",
    }
    assert d["verdict"] == "malicious"
    assert d["score"] == 97.5
    assert d["error"] is None
    assert d["duration_ms"] == 123.5
    assert d["files_scanned"] == 7
    install = next(f for f in d["findings"] if f["rule"] == "CW1001")
    assert install == {
        "rule": "CW1001",
        "title": "Decoded payload executed at install",
        "severity": "critical",
        "confidence": "high",
        "phase": "install",
        "capabilities": ["code.exec", "network.http", "env.read"],
        "indicators": ["endpoint.webhook"],
        "message": "setup.py executes a base64+zlib payload while pip installs the package",
        "location": {"path": "setup.py", "line": 14},
        "evidence": [
            {
                "location": {"path": "setup.py", "line": 14, "column": 4},
                "snippet": "exec(zlib.decompress(base64.b64decode(BLOB)))",
                "decode_chain": ["base64.b64decode", "zlib.decompress"],
                "decoded": malicious.findings[4].evidence[0].decoded,
            },
            {
                "location": {"path": "setup.py", "line": 20, "column": 0},
                "snippet": "cmdclass={'install': Hook}",
                "decode_chain": [],
                "decoded": None,
            },
        ],
    }
    unphased = next(f for f in d["findings"] if f["rule"] == "CW9001")
    assert unphased["phase"] is None
    assert unphased["location"] is None
    assert unphased["evidence"] == []
    assert d["capabilities"][0] == {"id": "network.http", "phase": "runtime", "count": 1}


def test_enums_are_labels_never_str(malicious: ScanResult, clean: ScanResult) -> None:
    text = json.dumps([result_to_dict(malicious), result_to_dict(clean)])
    for token in ("Phase.", "Severity.", "Verdict.", "Confidence.", "Ecosystem.", "ArtifactKind."):
        assert token not in text
    assert '"INSTALL"' not in text and '"CRITICAL"' not in text


def test_error_result(errored: ScanResult) -> None:
    d = result_to_dict(errored)
    assert d["verdict"] == "error"
    assert d["error"] == "not an archive: gzip header is corrupt"
    assert d["artifact"]["ecosystem"] == "unknown"
    assert d["artifact"]["name"] is None
    assert d["findings"] == [] and d["capabilities"] == []


def test_deterministic(malicious: ScanResult) -> None:
    a = json.dumps(result_to_dict(malicious))
    b = json.dumps(result_to_dict(malicious))
    assert a == b


def test_output_is_plain_json(malicious: ScanResult) -> None:
    d = result_to_dict(malicious)
    assert json.loads(json.dumps(d, allow_nan=False)) == d


@pytest.mark.parametrize("name", ["malicious", "clean", "errored"])
def test_round_trip(name: str, request: pytest.FixtureRequest) -> None:
    result: ScanResult = request.getfixturevalue(name)
    text = json.dumps(result_to_dict(result))
    back = result_from_dict(json.loads(text))
    assert back == result
    assert back.stats == result.stats  # not part of ==
    assert result_to_dict(back) == result_to_dict(result)


def test_round_trip_accepts_schema_key(malicious: ScanResult) -> None:
    d = {"schema": SCHEMA, **result_to_dict(malicious)}
    assert result_from_dict(d) == malicious


def test_from_dict_defaults_for_optional_fields(errored: ScanResult) -> None:
    d = result_to_dict(errored)
    for key in ("stats", "duration_ms", "files_scanned", "findings", "capabilities"):
        del d[key]
    for key in ("size", "container", "ecosystem", "kind"):
        del d["artifact"][key]
    back = result_from_dict(d)
    assert back.artifact.size == 0 and back.artifact.container == "unknown"
    assert back.findings == () and back.duration_ms == 0.0 and back.stats == {}


def _bad(d: dict[str, Any], path: list[str | int], value: Any) -> dict[str, Any]:
    target: Any = d
    for p in path[:-1]:
        target = target[p]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return d


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "match"),
    [
        (["schema"], "capwatch.scan/2", "unsupported schema"),
        (["verdict"], "evil", "verdict: unknown value 'evil'"),
        (["verdict"], "MALICIOUS", "unknown value"),
        (["artifact"], _DELETE, "missing field 'artifact'"),
        (["artifact", "sha256"], _DELETE, "artifact: missing field 'sha256'"),
        (["artifact", "kind"], "rpm", "unknown ArtifactKind"),
        (["findings", 0, "severity"], "severe", r"findings\[0\]\.severity"),
        (["findings", 0, "phase"], 3, r"findings\[0\]\.phase: expected string or null"),
        (["findings", 0, "capabilities"], ["ok", 1], "expected strings"),
        (["findings", 0, "evidence", 0, "location"], None, "expected object"),
        (["capabilities", 0, "count"], True, "got bool"),
        (["score"], "97", "score: expected"),
        (["files_scanned"], 1.5, "files_scanned: expected integer"),
    ],
)
def test_from_dict_rejects_malformed(
    malicious: ScanResult, path: list[str | int], value: Any, match: str
) -> None:
    d = {"schema": SCHEMA, **result_to_dict(malicious)}
    with pytest.raises(ValueError, match=match):
        result_from_dict(_bad(d, path, value))


def test_from_dict_rejects_non_object() -> None:
    with pytest.raises(ValueError, match="expected an object"):
        result_from_dict([])  # type: ignore[arg-type]


def test_non_finite_numbers_become_null(clean: ScanResult) -> None:
    d = result_to_dict(replace(clean, score=math.nan, duration_ms=math.inf))
    assert d["score"] is None and d["duration_ms"] is None
    json.dumps(d, allow_nan=False)
    back = result_from_dict(d)
    assert math.isnan(back.score) and math.isnan(back.duration_ms)


class _Color(enum.Enum):
    RED = "red"


def test_stats_made_plain_and_sorted(clean: ScanResult) -> None:
    stats: dict[Any, Any] = {
        "z": 1,
        "a": {"phase": Phase.IMPORT, "verdict": Verdict.CLEAN, "color": _Color.RED},
        "tuple": (1, 2.5, None),
        "set": {"b", "a"},
        "path": PurePosixPath("x/y"),
        "nan": math.nan,
        Phase.INSTALL: True,
    }
    d = result_to_dict(replace(clean, stats=stats))["stats"]
    assert list(d) == ["a", "install", "nan", "path", "set", "tuple", "z"]
    assert d["a"] == {"color": "red", "phase": "import", "verdict": "clean"}
    assert d["tuple"] == [1, 2.5, None]
    assert d["set"] == ["a", "b"]
    assert d["path"] == "x/y"
    assert d["nan"] is None
    assert d["install"] is True
    json.dumps(d, allow_nan=False)
