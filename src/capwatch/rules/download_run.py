from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_FETCH = ("net.http.request", "net.download")
_RUN = ("proc.spawn", "proc.shell", "fs.permissions", "code.load.native")


class DownloadAndRun(Rule):
    """Downloads something and runs a program while the package installs or loads.

    The dropper pattern: fetch a file (an executable, a script, an archive) and start it,
    or make it executable, in ``install``, ``startup`` or ``import`` phase, within the same
    file. A URL of an executable or script in that code raises the confidence. Build scripts
    that download sources and compile them exist, so the rule asks for both halves in
    early-running code of one file, and reports the download and the launch it saw.
    """

    id = "CW103"
    title = "Downloads and runs a program at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        fetch = profile.uses_of(_FETCH, EARLY)
        run = profile.uses_of(_RUN, EARLY)
        if not fetch or not run:
            return
        files = {u.location.path for u in fetch} & {u.location.path for u in run}
        if not files:
            return
        fetch = [u for u in fetch if u.location.path in files]
        run = [u for u in run if u.location.path in files]
        urls = [i for i in profile.indicators_of(("download.executable",), EARLY)
                if i.location.path in files]
        phase = earliest([*fetch, *run])
        yield self.finding(
            f"Downloads ({describe(fetch)}) and runs ({describe(run)})"
            + (f"; fetches {urls[0].value}" if urls else ""),
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH if urls or (phase is not None and phase.name == "INSTALL") else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, [*urls, *fetch, *run]),
            capabilities={u.capability for u in [*fetch, *run]},
            indicators={i.kind for i in urls},
        )
