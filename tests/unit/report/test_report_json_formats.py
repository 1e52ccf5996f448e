"""--format json and jsonl, and the render() dispatch."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from capwatch.model import Confidence, Evidence, Finding, Location, ScanResult, Severity
from capwatch.report import (
    OutputFormat,
    render,
    result_from_dict,
    result_to_dict,
    stream_line,
)


def test_output_format_values() -> None:
    assert [f.value for f in OutputFormat] == ["text", "json", "jsonl", "sarif"]
    assert OutputFormat("jsonl") is OutputFormat.JSONL


def test_json_document(results: list[ScanResult]) -> None:
    out = render(results, OutputFormat.JSON, color=True, verbose=False)
    assert out.endswith("}\n")
    doc = json.loads(out)
    assert list(doc) == ["schema", "results"]
    assert doc["schema"] == "capwatch.scan/1"
    assert doc["results"] == [result_to_dict(r) for r in results]
    assert [r["verdict"] for r in doc["results"]] == ["malicious", "clean", "error"]
    assert [result_from_dict(r) for r in doc["results"]] == results


def test_json_ignores_color_and_verbose(results: list[ScanResult]) -> None:
    outs = {
        render(results, OutputFormat.JSON, color=c, verbose=v)
        for c in (True, False)
        for v in (True, False)
    }
    assert len(outs) == 1
    assert "\x1b" not in outs.pop()


def test_json_empty() -> None:
    assert json.loads(render([], OutputFormat.JSON, color=False, verbose=False)) == {
        "schema": "capwatch.scan/1",
        "results": [],
    }


def test_jsonl_one_line_per_result(results: list[ScanResult]) -> None:
    out = render(results, OutputFormat.JSONL, color=False, verbose=False)
    assert out.endswith("\n")
    lines = out.splitlines()
    assert len(lines) == len(results)
    for line, result in zip(lines, results, strict=True):
        obj = json.loads(line)
        assert next(iter(obj)) == "schema"
        assert obj["schema"] == "capwatch.scan/1"
        assert {k: v for k, v in obj.items() if k != "schema"} == result_to_dict(result)
        assert result_from_dict(obj) == result
        assert line == stream_line(result)


def test_jsonl_empty() -> None:
    assert render([], OutputFormat.JSONL, color=False, verbose=False) == ""


def test_stream_line_is_one_line_whatever_the_content(clean: ScanResult) -> None:
    nasty = "a\nb\r\nc\u2028d\u2029e\x85f\x1b[2Jg\x00"
    finding = Finding(
        rule="CW1",
        title=nasty,
        severity=Severity.LOW,
        confidence=Confidence.LOW,
        phase=None,
        message=nasty,
        evidence=(Evidence(Location("x\ny.py", 1), nasty, ("codecs.decode",), nasty),),
    )
    result = replace(clean, findings=(finding,))
    line = stream_line(result)
    assert "\n" not in line and "\r" not in line
    assert line.isascii()  # U+2028, NEL, ESC all escaped
    assert line.splitlines() == [line]
    assert result_from_dict(json.loads(line)) == result


def test_render_dispatches_every_format(results: list[ScanResult]) -> None:
    for fmt in OutputFormat:
        out = render(results, fmt, color=False, verbose=False)
        assert out.endswith("\n"), fmt
    assert render(results, OutputFormat.TEXT, color=False, verbose=False).startswith("MALICIOUS")
    assert '"$schema"' in render(results, OutputFormat.SARIF, color=False, verbose=False)


def test_render_rejects_non_format(results: list[ScanResult]) -> None:
    with pytest.raises(AssertionError):
        render(results, "json", color=False, verbose=False)  # type: ignore[arg-type]


def test_docs_examples_match_the_schema(doc_blocks: list[tuple[str, str]]) -> None:
    """The json and jsonl examples in docs/output.md are exactly what the writer would produce."""
    docs = [json.loads(t) for lang, t in doc_blocks if lang == "json" and '"capwatch.scan/1"' in t]
    assert len(docs) == 1
    assert list(docs[0]) == ["schema", "results"]
    objects = list(docs[0]["results"])
    (jsonl_block,) = [t for lang, t in doc_blocks if lang == "jsonl"]
    for line in jsonl_block.splitlines():
        obj = json.loads(line)
        assert next(iter(obj)) == "schema"
        assert line == stream_line(result_from_dict(obj))
        objects.append({k: v for k, v in obj.items() if k != "schema"})
    assert objects
    for obj in objects:
        rebuilt = result_to_dict(result_from_dict(obj))
        # Same keys, same order, same values.
        assert json.dumps(rebuilt) == json.dumps(obj)
