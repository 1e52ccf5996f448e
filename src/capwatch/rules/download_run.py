from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_FETCH = ("net.http.request", "net.download")
_RUN = ("proc.spawn", "proc.shell", "fs.permissions", "code.load.native")


class DownloadAndRun(Rule):
    """Downloads something and runs a program while the package installs or loads.

    The dropper pattern: fetch a file (an executable, a script, an archive) and start it,
    or make it executable, in ``install``, ``startup`` or ``import`` phase, within the same
    file. Critical when the URL is of an executable or script, or when it happens on import or
    interpreter start. Build scripts that download sources and compile them exist, so at install
    time without an executable URL it is a reviewer's question (high, medium confidence). In
    code that runs only when called, one function that fetches an executable's URL and starts a
    process is still a dropper (critical, medium confidence).
    """

    id = "CW103"
    title = "Downloads and runs a program at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        fetch = profile.uses_of(_FETCH, EARLY)
        run = profile.uses_of(_RUN, EARLY)
        if not fetch or not run:
            yield from self._in_one_function(profile)
            return
        files = {u.location.path for u in fetch} & {u.location.path for u in run}
        if not files:
            yield from self._in_one_function(profile)
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

    def _in_one_function(self, profile: Profile) -> Iterator[Finding]:
        """At run time: an executable URL fetched and started by one function."""
        everywhere = tuple(Phase)
        urls = profile.indicators_of(("download.executable",), everywhere)
        if not urls:
            return
        url_files = {i.location.path for i in urls}
        fetch = [u for u in profile.uses_of(_FETCH, everywhere) if u.location.path in url_files]
        run = [u for u in profile.uses_of(_RUN, everywhere) if u.location.path in url_files]
        scopes = {u.scope for u in fetch} & {u.scope for u in run}
        if not scopes:
            return
        fetch = [u for u in fetch if u.scope in scopes]
        run = [u for u in run if u.scope in scopes]
        urls = [i for i in urls if i.location.path in {u.location.path for u in fetch}]
        yield self.finding(
            f"One function downloads {urls[0].value} ({describe(fetch)}) and runs it ({describe(run)})",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=earliest([*fetch, *run]),
            evidence=evidence_of(profile, [*urls, *fetch, *run]),
            capabilities={u.capability for u in [*fetch, *run]},
            indicators={"download.executable"},
        )
