"""--format sarif: structure checked against the parts of the SARIF 2.1.0 schema we use.

No schema download: ``_check_*`` below encode, for every object kind the writer emits, the
required keys, the allowed keys (SARIF objects are ``additionalProperties: false``) and the value
constraints we rely on.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib import metadata
from typing import Any

import pytest

from capwatch.model import Confidence, Evidence, Finding, Location, ScanResult, Severity
from capwatch.report import OutputFormat, render, result_from_dict
from capwatch.report import sarif as sarif_mod

LEVELS = {"none", "note", "warning", "error"}


def _keys(names: str) -> set[str]:
    return set(names.split())


ALLOWED: dict[str, set[str]] = {
    "log": _keys("$schema version runs inlineExternalProperties properties"),
    "run": _keys(
        "tool invocations conversion language versionControlProvenance originalUriBaseIds "
        "artifacts logicalLocations graphs results automationDetails runAggregates "
        "baselineGuid redactionTokens defaultEncoding defaultSourceLanguage "
        "newlineSequences columnKind externalPropertyFileReferences threadFlowLocations "
        "taxonomies addresses translations policies webRequests webResponses "
        "specialLocations properties"
    ),
    "tool": _keys("driver extensions properties"),
    "driver": _keys(
        "guid name organization product productSuite shortDescription fullDescription "
        "fullName version semanticVersion dottedQuadFileVersion releaseDateUtc "
        "downloadUri informationUri globalMessageStrings notifications rules taxa "
        "locations language contents isComprehensive localizedDataSemanticVersion "
        "minimumRequiredLocalizedDataSemanticVersion associatedComponent "
        "translationMetadata supportedTaxonomies properties"
    ),
    "rule": _keys(
        "id deprecatedIds guid deprecatedGuids name deprecatedNames shortDescription "
        "fullDescription messageStrings defaultConfiguration helpUri help relationships "
        "properties"
    ),
    "result": _keys(
        "guid correlationGuid ruleId ruleIndex rule taxa kind level message "
        "analysisTarget locations webRequest webResponse fingerprints partialFingerprints "
        "codeFlows graphs graphTraversals stacks relatedLocations suppressions "
        "baselineState rank attachments hostedViewerUri workItemUris provenance fixes "
        "occurrenceCount properties"
    ),
    "message": _keys("text markdown id arguments properties"),
    "location": _keys(
        "id physicalLocation logicalLocations message annotations relationships properties"
    ),
    "physicalLocation": _keys("address artifactLocation region contextRegion properties"),
    "artifactLocation": _keys("uri uriBaseId index description properties"),
    "region": _keys(
        "startLine startColumn endLine endColumn charOffset charLength byteOffset "
        "byteLength snippet message sourceLanguage properties"
    ),
    "artifactContent": _keys("text binary rendered properties"),
    "invocation": _keys(
        "commandLine arguments responseFiles startTimeUtc endTimeUtc exitCode "
        "ruleConfigurationOverrides notificationConfigurationOverrides "
        "toolExecutionNotifications toolConfigurationNotifications exitCodeDescription "
        "exitSignalName exitSignalNumber processStartFailureMessage executionSuccessful "
        "machine account processId executableLocation workingDirectory "
        "environmentVariables stdin stdout stderr stdoutStderr properties"
    ),
    "notification": _keys(
        "locations message level threadId timeUtc exception descriptor associatedRule properties"
    ),
    "artifact": _keys(
        "description location parentIndex offset length roles mimeType contents encoding "
        "sourceLanguage hashes lastModifiedTimeUtc properties"
    ),
}

# RFC 3986 URI reference characters (after percent-encoding).
_URI_REF = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def _obj(value: Any, kind: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    assert isinstance(value, dict), f"{kind} must be an object"
    extra = set(value) - ALLOWED[kind]
    assert not extra, f"{kind} has keys SARIF does not allow: {extra}"
    for key in required:
        assert key in value, f"{kind} lacks required {key!r}"
    if "properties" in value:
        _properties(value["properties"])
    return value


def _properties(bag: Any) -> None:
    assert isinstance(bag, dict)
    if "tags" in bag:
        assert len(set(bag["tags"])) == len(bag["tags"])


def _message(value: Any) -> None:
    m = _obj(value, "message")
    assert isinstance(m.get("text"), str) and m["text"]


def _artifact_location(value: Any) -> None:
    a = _obj(value, "artifactLocation")
    assert isinstance(a["uri"], str) and _URI_REF.match(a["uri"]), a["uri"]
    # A relative reference whose first segment has a ':' would parse as a scheme.
    assert ":" not in a["uri"].split("/", 1)[0]


def _location(value: Any) -> None:
    loc = _obj(value, "location")
    if "id" in loc:
        assert isinstance(loc["id"], int) and loc["id"] >= -1
    phys = _obj(loc["physicalLocation"], "physicalLocation")
    assert "artifactLocation" in phys or "address" in phys
    _artifact_location(phys["artifactLocation"])
    if "region" in phys:
        region = _obj(phys["region"], "region")
        assert isinstance(region["startLine"], int) and region["startLine"] >= 1
        if "snippet" in region:
            _obj(region["snippet"], "artifactContent")


def check_sarif(log: Any) -> None:
    _obj(log, "log", ("version", "runs"))
    assert log["version"] == "2.1.0"
    assert isinstance(log["$schema"], str) and "sarif" in log["$schema"]
    assert isinstance(log["runs"], list)
    for run in log["runs"]:
        _obj(run, "run", ("tool",))
        driver = _obj(_obj(run["tool"], "tool", ("driver",))["driver"], "driver", ("name",))
        rules = driver.get("rules", [])
        ids = []
        for rule in rules:
            _obj(rule, "rule", ("id",))
            ids.append(rule["id"])
            if "shortDescription" in rule:
                assert isinstance(rule["shortDescription"]["text"], str)
        assert len(ids) == len(set(ids)), "rule ids must be unique"
        for inv in run.get("invocations", []):
            _obj(inv, "invocation", ("executionSuccessful",))
            assert isinstance(inv["executionSuccessful"], bool)
            for note in inv.get("toolExecutionNotifications", []):
                _obj(note, "notification", ("message",))
                _message(note["message"])
                assert note.get("level", "warning") in LEVELS
        for art in run.get("artifacts", []):
            _obj(art, "artifact")
            _artifact_location(art["location"])
            assert all(isinstance(v, str) for v in art.get("hashes", {}).values())
            assert art.get("length", -1) >= -1
        for res in run.get("results", []):
            _obj(res, "result", ("message",))
            assert isinstance(res["ruleId"], str)
            _message(res["message"])
            assert res["level"] in LEVELS
            if "ruleIndex" in res:
                assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
            for loc in res.get("locations", []) + res.get("relatedLocations", []):
                _location(loc)
            assert all(isinstance(v, str) for v in res.get("partialFingerprints", {}).values())


def _log(results: list[ScanResult]) -> dict[str, Any]:
    out = render(results, OutputFormat.SARIF, color=False, verbose=False)
    log: dict[str, Any] = json.loads(out)
    return log


def test_valid_structure(results: list[ScanResult]) -> None:
    log = _log(results)
    check_sarif(log)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert len(log["runs"]) == 1


def test_driver(results: list[ScanResult]) -> None:
    driver = _log(results)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "capwatch"
    assert driver["version"] == metadata.version("capwatch")
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted({f.rule for r in results for f in r.findings})
    by_id = {r["id"]: r for r in driver["rules"]}
    assert by_id["CW1001"]["shortDescription"] == {"text": "Decoded payload executed at install"}


def test_one_result_per_finding_with_level(malicious: ScanResult) -> None:
    res = _log([malicious])["runs"][0]["results"]
    assert [r["ruleId"] for r in res] == [f.rule for f in malicious.findings]
    levels = {r["ruleId"]: r["level"] for r in res}
    assert levels == {
        "CW3001": "note",  # low
        "CW9001": "note",  # info
        "CW1010": "warning",  # medium
        "CW2001": "error",  # high
        "CW1001": "error",  # critical
        "CW1500": "error",  # high
    }
    for r, f in zip(res, malicious.findings, strict=True):
        assert r["message"]["text"] == f.message


@pytest.mark.parametrize(
    ("severity", "level"),
    [
        (Severity.CRITICAL, "error"),
        (Severity.HIGH, "error"),
        (Severity.MEDIUM, "warning"),
        (Severity.LOW, "note"),
        (Severity.INFO, "note"),
    ],
)
def test_level_mapping(severity: Severity, level: str) -> None:
    assert sarif_mod.level(severity) == level


def test_location_and_properties(malicious: ScanResult) -> None:
    res = _log([malicious])["runs"][0]["results"]
    install = next(r for r in res if r["ruleId"] == "CW1001")
    (loc,) = install["locations"]
    phys = loc["physicalLocation"]
    assert phys["artifactLocation"] == {"uri": "setup.py"}
    assert phys["region"] == {
        "startLine": 14,
        "snippet": {"text": "exec(zlib.decompress(base64.b64decode(BLOB)))"},
    }
    assert loc["properties"] == {"decodeChain": ["base64.b64decode", "zlib.decompress"]}
    (related,) = install["relatedLocations"]
    assert related["id"] == 1
    assert related["physicalLocation"]["region"]["startLine"] == 20
    props = install["properties"]
    assert props["artifact"] == {
        "path": "dist/demo_pkg-0.1.0.tar.gz",
        "sha256": "a" * 64,
        "ecosystem": "pypi",
        "name": "demo-pkg",
        "version": "0.1.0",
        "kind": "sdist",
    }
    assert props["verdict"] == "malicious"
    assert props["phase"] == "install"
    assert props["severity"] == "critical" and props["confidence"] == "high"
    assert props["capabilities"] == ["code.exec", "network.http", "env.read"]
    assert props["indicators"] == ["endpoint.webhook"]
    assert props["decodeChain"] == ["base64.b64decode", "zlib.decompress"]
    assert props["decoded"] == malicious.findings[4].evidence[0].decoded
    unphased = next(r for r in res if r["ruleId"] == "CW9001")
    assert "locations" not in unphased
    assert unphased["properties"]["phase"] is None


def test_fingerprints_stable_and_distinct(malicious: ScanResult) -> None:
    a = _log([malicious])["runs"][0]["results"]
    b = _log([malicious])["runs"][0]["results"]
    fps = [r["partialFingerprints"]["capwatch/v1"] for r in a]
    assert fps == [r["partialFingerprints"]["capwatch/v1"] for r in b]
    assert len(set(fps)) == len(fps)


def test_uri_encoding_and_missing_line(clean: ScanResult) -> None:
    odd = Finding(
        rule="CW1",
        title="t",
        severity=Severity.LOW,
        confidence=Confidence.LOW,
        phase=None,
        message="",
        evidence=(
            Evidence(Location("c:/dir with space/a#b?.py", 0)),
            Evidence(Location("pkg\\win\\path.py", 3)),
            Evidence(Location("bad-\udcff-utf8.py", 2)),
        ),
    )
    log = _log([replace(clean, findings=(odd,))])
    check_sarif(log)
    (res,) = log["runs"][0]["results"]
    assert res["message"]["text"] == "t"  # empty message falls back to the title
    phys = res["locations"][0]["physicalLocation"]
    assert phys["artifactLocation"]["uri"] == "c%3A/dir%20with%20space/a%23b%3F.py"
    assert "region" not in phys  # line 0 means unknown; SARIF lines start at 1
    related = [r["physicalLocation"]["artifactLocation"]["uri"] for r in res["relatedLocations"]]
    assert related == ["pkg/win/path.py", "bad-%FF-utf8.py"]


def test_errors_become_notifications(results: list[ScanResult]) -> None:
    run = _log(results)["runs"][0]
    (inv,) = run["invocations"]
    assert inv["executionSuccessful"] is False
    (note,) = inv["toolExecutionNotifications"]
    assert note["level"] == "error"
    assert note["message"]["text"] == "dist/broken-2.0.tgz: not an archive: gzip header is corrupt"
    assert note["properties"]["artifact"]["sha256"] == "c" * 64


def test_artifacts_lists_every_scanned_artifact(results: list[ScanResult]) -> None:
    arts = _log(results)["runs"][0]["artifacts"]
    assert [a["location"]["uri"] for a in arts] == [
        "dist/demo_pkg-0.1.0.tar.gz",
        "dist/tidy-1.0-py3-none-any.whl",
        "dist/broken-2.0.tgz",
    ]
    assert arts[1]["hashes"] == {"sha-256": "b" * 64}
    assert arts[1]["length"] == 2048
    assert [a["properties"]["verdict"] for a in arts] == ["malicious", "clean", "error"]


def test_clean_only_and_empty(clean: ScanResult) -> None:
    for batch in ([clean], []):
        log = _log(batch)
        check_sarif(log)
        run = log["runs"][0]
        assert run["results"] == [] and run["tool"]["driver"]["rules"] == []
        assert run["invocations"][0] == {"executionSuccessful": True}


def test_docs_example_is_what_the_writer_produces(doc_blocks: list[tuple[str, str]]) -> None:
    """docs/output.md's SARIF example is the json example's artifact plus the jsonl error one."""
    (block,) = [t for lang, t in doc_blocks if lang == "json" and '"$schema"' in t]
    documented = json.loads(block)
    check_sarif(documented)
    (scan_doc,) = [t for lang, t in doc_blocks if lang == "json" and '"capwatch.scan/1"' in t]
    (jsonl_block,) = [t for lang, t in doc_blocks if lang == "jsonl"]
    results = [result_from_dict(r) for r in json.loads(scan_doc)["results"]]
    results += [result_from_dict(json.loads(ln)) for ln in jsonl_block.splitlines()[1:]]
    produced = sarif_mod.log(results)
    produced["runs"][0]["tool"]["driver"]["version"] = "0.1.0"  # the version the docs show
    assert produced == documented
