from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, earliest, evidence_of

_ACT = ("fs.write", "host.automation", "proc.spawn", "proc.shell", "persist.registry")


class Tampering(Rule):
    """Changes other programs on the machine while being installed or loaded.

    Writing browser extensions and wiring them in with ``--load-extension``, extension
    manifests that ask for clipboard access, rewriting Start Menu, desktop or taskbar shortcuts
    (``.lnk``, ``WScript.Shell.CreateShortcut``), or the package installer's own configuration
    (``pip.conf``, ``pip.ini``, and the ``[global]`` ``index-url`` setting that says where every
    later install comes from), from code that runs on install, startup or import, together with
    file writes, COM automation or processes in the same file. A library has no business
    editing the user's browsers, shortcuts or installer when it is installed; automation tools
    that do it on request run at ``runtime`` and are not flagged. High for one kind of clue;
    critical for two (an installer configuration file written with an index in it).
    """

    id = "CW109"
    title = "Tampers with browsers or shortcuts at install or import"

    def check(self, profile: Profile) -> Iterator[Finding]:
        clues = profile.indicators_of(("tamper.",), EARLY)
        if not clues:
            return
        # The clue and the act in one file: a manifest string alone edits nothing.
        clue_files = {i.location.path for i in clues}
        act = [u for u in profile.uses_of(_ACT, EARLY) if u.location.path in clue_files]
        if not act:
            return
        clues = [i for i in clues if i.location.path in {u.location.path for u in act}]
        kinds = {i.kind for i in clues}
        yield self.finding(
            "Edits other programs: "
            + ", ".join(sorted({" ".join(i.value.split()) for i in clues}))[:200],
            severity=Severity.CRITICAL if len(kinds) > 1 else Severity.HIGH,
            confidence=Confidence.HIGH if len(kinds) > 1 else Confidence.MEDIUM,
            phase=earliest(clues),
            evidence=evidence_of(profile, clues),
            capabilities={u.capability for u in act},
            indicators=kinds,
        )
