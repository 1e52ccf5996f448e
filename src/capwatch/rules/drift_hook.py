from __future__ import annotations

from collections.abc import Iterator

from capwatch.drift.model import Change, Drift, HookChange
from capwatch.model import Confidence, Evidence, Finding, HookKind, Location, Phase, Severity
from capwatch.rules.base import DriftRule

_INSTALL_COMMANDS = ("install", "develop", "egg_info")
_NPM_INSTALL = ("preinstall", "install", "postinstall")


class HookAddedOrChanged(DriftRule):
    """A new release adds or changes code that runs at install or at every interpreter start.

    Install and start-up hooks are where hijacked releases put their payload, because they run
    without anyone importing the package: a new ``.pth`` file with ``import`` lines, a new
    ``sitecustomize``, a new setuptools command class that overrides ``install`` or ``develop``,
    a new npm ``preinstall``/``postinstall`` script, a new command named like the interpreter's, the
    installer's or a system command (``pip``, CW125). Any of those appearing in an established
    project is medium severity (a reviewer should look). Changes that honest releases make too
    (an in-tree build backend replacing a published one, a ``build_ext`` command, a ``setup.py``
    in a project that had none) are low; what the new install-time code does is judged by CW201. A changed ``setup.py`` or ``.pth`` is
    listed in the drift but is no finding: what it now does is judged by the capability rules
    and CW201.
    """

    id = "CW202"
    title = "Install or start-up hook added or changed"

    def check_drift(self, drift: Drift) -> Iterator[Finding]:
        for change in drift.hooks:
            rated = _rate(change)
            if rated is None:
                continue
            severity, phase = rated
            if severity is Severity.INFO:
                continue  # listed in the drift, not worth a finding
            if not drift.established and severity > Severity.LOW:
                severity = Severity.LOW
            hook = change.hook
            what = f"{hook.kind.value} {hook.detail or hook.path}"
            previous = change.previous
            if previous is not None and previous.detail != hook.detail:
                what += f" (was {previous.detail})"
            yield self.finding(
                f"{change.change.value}: {what}"[:300],
                severity=severity,
                confidence=Confidence.HIGH,
                phase=phase,
                evidence=[Evidence(Location(hook.path), hook.detail)],
            )


def _rate(change: HookChange) -> tuple[Severity, Phase] | None:
    hook = change.hook
    added = change.change is Change.ADDED
    if change.change is Change.REMOVED:
        return None
    match hook.kind:
        case HookKind.PTH:
            if "import lines" not in hook.detail:
                return None
            previous_ran = change.previous is not None and "import lines" in change.previous.detail
            return (Severity.INFO if previous_ran else Severity.MEDIUM), Phase.STARTUP
        case HookKind.STARTUP_MODULE:
            return (Severity.MEDIUM if added else Severity.INFO), Phase.STARTUP
        case HookKind.SETUP_COMMAND:
            risky = any(word in hook.detail.lower() for word in _INSTALL_COMMANDS)
            return (Severity.MEDIUM if risky else Severity.LOW), Phase.INSTALL
        case HookKind.BUILD_BACKEND:
            if "(in-tree)" in hook.detail:
                # Honest projects do this (PyYAML 6.0.2); what the backend runs is for CW201.
                return Severity.LOW, Phase.INSTALL
            return Severity.INFO, Phase.INSTALL
        case HookKind.NPM_SCRIPT:
            name = hook.detail.split(":", 1)[0]
            return (Severity.MEDIUM if name in _NPM_INSTALL else Severity.LOW), Phase.INSTALL
        case HookKind.SETUP_SCRIPT:
            return (Severity.LOW if added else Severity.INFO), Phase.INSTALL
        case HookKind.COMMAND_TAKEOVER:
            # CW125 reports the command itself; the release that brings it is worth a note
            return (Severity.MEDIUM if added else Severity.INFO), Phase.STARTUP
    return None
