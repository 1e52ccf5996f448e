from __future__ import annotations

from collections.abc import Iterator

from capwatch.lang.python.analyzer import EXEC_SINKS
from capwatch.model import Confidence, Evidence, FactKind, Finding, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, when


class OffscreenCode(Rule):
    """Hides code off screen, past a long run of blanks on a line that already holds code.

    ``setup(...)``, then hundreds of spaces, then ``;exec(payload)``: an editor, a diff or a
    registry's file viewer shows the first statement and an empty-looking tail, and a reviewer
    scrolling down never sees the second. The front end reports a statement that follows other
    code on its line after at least 64 blank columns (``OFFSCREEN_GAP``), and an expression
    that follows others of one statement after at least 256 (``x = f()``, the blanks, then
    ``,exec(payload)``: a tuple whose second element nobody sees; hand-aligned tables, a
    matrix's columns, leave gaps between elements, but not that wide); formatters leave one,
    hand-aligned code a few. There is no honest reason to write code where nobody reads it, so
    a hidden statement that calls anything is critical in whatever phase it runs (the hiding is
    the intent, whoever calls the code); one that only binds a value is high.
    """

    id = "CW120"
    title = "Hides code off screen"

    def check(self, profile: Profile) -> Iterator[Finding]:
        hidden = profile.facts_of(FactKind.OFFSCREEN)
        if not hidden:
            return
        calling = [(f, p) for f, p in hidden if f.name]
        shown = calling or hidden
        phase = min(p for _, p in shown)
        first = next(f for f, p in shown if p is phase)
        lines = len({(f.location.path, f.location.line) for f, _ in hidden})
        yield self.finding(
            f"A statement hidden {first.value} {when(phase)}"
            + (f", calling {first.name}()" if first.name else "")
            + (f" ({lines} hidden statements)" if lines > 1 else ""),
            severity=Severity.CRITICAL if calling else Severity.HIGH,
            confidence=Confidence.HIGH,
            phase=phase,
            evidence=[Evidence(f.location, f.snippet, f.decode_chain) for f, p in shown[:5]],
            capabilities={"code.exec.dynamic"} if any(f.name in EXEC_SINKS for f, _ in calling)
            else set(),
        )
