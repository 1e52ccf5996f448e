"""Evaluation reports: the ``capwatch.eval/1`` JSON document and a Markdown text report.

Both carry the headline metrics, every miss (a malicious artifact not alerted), the malicious
artifacts below the ``malicious`` tier summarised by family, every false alarm (a benign artifact
alerted) with its top findings, every error, and the slowest artifacts. The text report is
Markdown (a table and lists) so that it can be pasted into ``docs/accuracy.md``; package-controlled
text in it is passed through :func:`capwatch.report.sanitize`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from capwatch import __version__
from capwatch.dataset.evaluate import Evaluation, Outcome
from capwatch.dataset.manifest import Label
from capwatch.dataset.metrics import TierCounts, TierRates
from capwatch.model import Finding, Verdict
from capwatch.report.sanitize import sanitize

SCHEMA = "capwatch.eval/1"
TOP_FINDINGS = 5
"""Findings shown for each miss and false alarm."""
SLOWEST = 20


@dataclass(frozen=True, slots=True)
class FamilyShortfall:
    """A family with files below the ``malicious`` tier, and how its files were judged."""

    family: str
    files: int
    malicious: int
    suspicious: int
    clean: int
    error: int

    @property
    def below(self) -> int:
        return self.files - self.malicious


def _with_label(evaluation: Evaluation, label: Label) -> list[Outcome]:
    return [o for o in evaluation.outcomes if o.sample.label is label]


def misses(evaluation: Evaluation) -> list[Outcome]:
    """Malicious artifacts scanned but not alerted (errors are listed apart), by family and path."""
    found = [
        o
        for o in _with_label(evaluation, Label.MALICIOUS)
        if o.result.verdict is Verdict.CLEAN
    ]
    return sorted(found, key=lambda o: (o.group, o.sample.display))


def false_alarms(evaluation: Evaluation) -> list[Outcome]:
    """Benign artifacts alerted, worst first."""
    found = [
        o
        for o in _with_label(evaluation, Label.BENIGN)
        if o.result.verdict in (Verdict.SUSPICIOUS, Verdict.MALICIOUS)
    ]
    return sorted(found, key=lambda o: (-o.result.verdict, -o.result.score, o.sample.display))


def errors(evaluation: Evaluation) -> list[Outcome]:
    found = [o for o in evaluation.outcomes if o.result.verdict is Verdict.ERROR]
    return sorted(found, key=lambda o: (o.sample.label.value, o.sample.display))


def slowest(evaluation: Evaluation, count: int = SLOWEST) -> list[Outcome]:
    return sorted(evaluation.outcomes, key=lambda o: -_duration(o))[:count]


def shortfalls(evaluation: Evaluation) -> list[FamilyShortfall]:
    """Families with at least one file below the ``malicious`` tier, most such files first."""
    counts: dict[str, dict[Verdict, int]] = {}
    for o in _with_label(evaluation, Label.MALICIOUS):
        per = counts.setdefault(o.group, dict.fromkeys(Verdict, 0))
        per[o.result.verdict] += 1
    rows = [
        FamilyShortfall(
            family,
            sum(per.values()),
            per[Verdict.MALICIOUS],
            per[Verdict.SUSPICIOUS],
            per[Verdict.CLEAN],
            per[Verdict.ERROR],
        )
        for family, per in counts.items()
    ]
    return sorted((r for r in rows if r.below), key=lambda r: (-r.below, -r.files, r.family))


def _duration(o: Outcome) -> float:
    value = o.result.duration_ms
    return value if value == value else 0.0  # NaN sorts as 0


# --------------------------------------------------------------------------------------------
# JSON


def to_json(evaluation: Evaluation) -> dict[str, Any]:
    """The ``capwatch.eval/1`` document."""
    mal, ben = evaluation.malicious, evaluation.benign
    mal_source = evaluation.source(Label.MALICIOUS)
    ben_source = evaluation.source(Label.BENIGN)
    return {
        "schema": SCHEMA,
        "malicious": {
            "files": mal.files,
            "families": mal.families,
            "recall": _rates(mal.recall),
            "family_recall": _rates(mal.family_recall),
            "caught": _counts(mal.caught),
            "errors": mal.errors,
            "families_derived": evaluation.families_derived,
            "source": mal_source.origin if mal_source else None,
            "missing": list(mal_source.missing) if mal_source else [],
        },
        "benign": {
            "files": ben.files,
            "projects": ben.projects,
            "fpr": _rates(ben.fpr),
            "project_fpr": _rates(ben.project_fpr),
            "flagged": _counts(ben.flagged),
            "flagged_projects": _counts(ben.flagged_projects),
            "errors": ben.errors,
            "source": ben_source.origin if ben_source else None,
            "missing": list(ben_source.missing) if ben_source else [],
        },
        "without_metadata_signals": _without_json(evaluation),
        "misses": [_entry(o, "family") for o in misses(evaluation)],
        "below_malicious_by_family": [dataclasses.asdict(r) for r in shortfalls(evaluation)],
        "false_alarms": [_entry(o, "project") for o in false_alarms(evaluation)],
        "errors": [
            {
                "label": o.sample.label.value,
                "path": o.sample.display,
                "group": o.group,
                "error": o.result.error,
            }
            for o in errors(evaluation)
        ],
        "slowest": [
            {
                "label": o.sample.label.value,
                "path": o.sample.display,
                "size": o.result.artifact.size,
                "verdict": o.result.verdict.label,
                "seconds": round(_duration(o) / 1000, 3),
            }
            for o in slowest(evaluation)
        ],
        "ruleset": evaluation.ruleset,
        "capwatch_version": __version__,
        "limits": dataclasses.asdict(evaluation.limits),
        "scanned": evaluation.scanned,
        "cache_hits": evaluation.cache_hits,
        "workers": evaluation.workers,
        "load_average": list(evaluation.load_average) if evaluation.load_average else None,
        "seconds": round(evaluation.seconds, 3),
    }


def _without_json(evaluation: Evaluation) -> dict[str, Any] | None:
    if evaluation.without_metadata is None:
        return None
    mal, ben = evaluation.without_metadata
    return {
        "recall": _rates(mal.recall),
        "family_recall": _rates(mal.family_recall),
        "fpr": _rates(ben.fpr),
        "project_fpr": _rates(ben.project_fpr),
    }


def _without_lines(evaluation: Evaluation) -> list[str]:
    """The headline rates with and without the name and metadata rules, side by side."""
    if evaluation.without_metadata is None:
        return []
    mal, ben = evaluation.malicious, evaluation.benign
    plain_mal, plain_ben = evaluation.without_metadata
    rows = [
        ("recall per file", mal.recall, plain_mal.recall, mal.files),
        ("recall per family", mal.family_recall, plain_mal.family_recall, mal.files),
        ("false-positive rate per file", ben.fpr, plain_ben.fpr, ben.files),
        ("false-positive rate per project", ben.project_fpr, plain_ben.project_fpr, ben.files),
    ]
    lines = [
        "",
        "### Name and metadata signals",
        "",
        "The same scans, decided with and without the name and metadata rules "
        "(typosquats, dependency-confusion versions, contradicting metadata).",
        "",
        "| measure | with: malicious | without: malicious | with: alert | without: alert |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, with_rates, plain_rates, files in rows:
        if files:
            lines.append(
                f"| {name} | {_pct(with_rates.malicious)} | {_pct(plain_rates.malicious)} | "
                f"{_pct(with_rates.alert)} | {_pct(plain_rates.alert)} |"
            )
    return lines


def _rates(r: TierRates) -> dict[str, float | None]:
    return {"malicious": _round(r.malicious), "alert": _round(r.alert)}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 6)


def _counts(c: TierCounts) -> dict[str, int]:
    return {"malicious": c.malicious, "alert": c.alert}


def _entry(o: Outcome, group_key: str) -> dict[str, Any]:
    return {
        "path": o.sample.display,
        group_key: o.group,
        "sha256": o.result.artifact.sha256,
        "verdict": o.result.verdict.label,
        "score": o.result.score if o.result.score == o.result.score else None,
        "findings": [_finding(f) for f in o.result.findings[:TOP_FINDINGS]],
    }


def _finding(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "rule": f.rule,
        "severity": f.severity.label,
        "message": f.message,
        "location": str(loc) if loc is not None else None,
    }


# --------------------------------------------------------------------------------------------
# Text (Markdown)


def to_text(evaluation: Evaluation) -> str:
    mal, ben = evaluation.malicious, evaluation.benign
    lines: list[str] = [
        "## capwatch evaluation",
        "",
        f"capwatch {__version__}, ruleset `{evaluation.ruleset}`; {evaluation.seconds:.1f} s "
        f"({evaluation.scanned:,} scanned by {evaluation.workers} workers, "
        f"{evaluation.cache_hits:,} from cache{_load(evaluation)})",
        "",
        "| measure | malicious tier | alert tier (suspicious or malicious) |",
        "| --- | ---: | ---: |",
    ]
    if mal.files:
        lines += [
            f"| recall per file ({mal.files:,} files) | "
            f"{_pct(mal.recall.malicious, mal.caught.malicious)} | "
            f"{_pct(mal.recall.alert, mal.caught.alert)} |",
            f"| recall per family ({mal.families:,} {_plural(mal.families, 'family', 'families')}"
            f"{', derived' if evaluation.families_derived else ''}) | "
            f"{_pct(mal.family_recall.malicious)} | {_pct(mal.family_recall.alert)} |",
        ]
    if ben.files:
        lines += [
            f"| false-positive rate per file ({ben.files:,} files) | "
            f"{_pct(ben.fpr.malicious, ben.flagged.malicious)} | "
            f"{_pct(ben.fpr.alert, ben.flagged.alert)} |",
            f"| false-positive rate per project ({ben.projects:,} projects) | "
            f"{_pct(ben.project_fpr.malicious, ben.flagged_projects.malicious)} | "
            f"{_pct(ben.project_fpr.alert, ben.flagged_projects.alert)} |",
        ]
    lines.append("")
    notes: list[str] = []
    if mal.files or ben.files:
        notes.append(
            f"Errors: {mal.errors:,} malicious (counted as not caught), {ben.errors:,} benign "
            "(counted as not flagged)."
        )
    if evaluation.families_derived:
        notes.append(
            "Families were derived: malicious artifacts whose source names no family are grouped "
            "by the shape of their root setup.py (all .py files when there is none), constants "
            "and names blanked."
        )
    for source in evaluation.sources:
        if source.missing:
            notes.append(
                f"{len(source.missing):,} {source.label.value} manifest rows skipped: file absent."
            )
    lines += [f"- {n}" for n in notes]
    lines += _without_lines(evaluation)

    found = misses(evaluation)
    lines += ["", f"### Misses: malicious, not alerted ({len(found):,})", ""]
    lines += _outcome_lines(found, "family") or ["None."]

    rows = shortfalls(evaluation)
    lines += [
        "",
        f"### Below the malicious tier, by family ({sum(r.below for r in rows):,} files, "
        f"{len(rows):,} families)",
        "",
    ]
    if rows:
        lines += [
            "| family | files | malicious | suspicious | clean | error |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        lines += [
            f"| {_cell(r.family)} | {r.files} | {r.malicious} | {r.suspicious} | {r.clean} | "
            f"{r.error} |"
            for r in rows
        ]
    else:
        lines.append("None.")

    alarms = false_alarms(evaluation)
    lines += ["", f"### False alarms: benign, alerted ({len(alarms):,})", ""]
    lines += _outcome_lines(alarms, "project") or ["None."]

    failed = errors(evaluation)
    lines += ["", f"### Errors ({len(failed):,})", ""]
    lines += [
        f"- {o.sample.label.value} `{_code(o.sample.display)}`: {_text(o.result.error or '')}"
        for o in failed
    ] or ["None."]

    lines += [
        "",
        f"### Slowest {SLOWEST}",
        "",
        "| seconds | label | verdict | size | artifact |",
        "| ---: | --- | --- | ---: | --- |",
    ]
    lines += [
        f"| {_duration(o) / 1000:.2f} | {o.sample.label.value} | {o.result.verdict.label} | "
        f"{o.result.artifact.size:,} | {_cell(o.sample.display)} |"
        for o in slowest(evaluation)
    ]
    return "\n".join(lines) + "\n"


def _load(evaluation: Evaluation) -> str:
    load = evaluation.load_average
    return f"; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}" if load else ""


def _outcome_lines(outcomes: Iterable[Outcome], group_name: str) -> list[str]:
    lines: list[str] = []
    for o in outcomes:
        r = o.result
        lines.append(
            f"- `{_code(o.sample.display)}` ({group_name} {_text(o.group)}): "
            f"{r.verdict.label}, score {r.score:g}"
        )
        for f in r.findings[:TOP_FINDINGS]:
            where = f" at `{_code(str(f.location))}`" if f.location is not None else ""
            lines.append(f"  - {f.rule} {f.severity.label}: {_text(f.message)}{where}")
    return lines


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _pct(rate: float | None, count: int | None = None) -> str:
    if rate is None:
        return "n/a"
    text = f"{rate * 100:.2f}%"
    return f"{text} ({count:,})" if count is not None else text


def _text(value: str) -> str:
    return sanitize(value).replace("\n", " ")


def _code(value: str) -> str:
    return _text(value).replace("`", "'")


def _cell(value: str) -> str:
    return _text(value).replace("|", "\\|")
