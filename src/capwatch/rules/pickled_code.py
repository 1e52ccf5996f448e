from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.model import CapabilityUse, Confidence, Finding, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, evidence_of
from capwatch.rules.drift_capability import RISKY

_PICKLE_RISKY = RISKY | {"fs.write", "fs.delete", "code.load.bytecode"}
_FIXTURES = re.compile(r"(?:^|/)(?:tests?|testing|testdata|test_data|fixtures)/", re.IGNORECASE)
"""Folders where tools that inspect pickles keep hostile ones to test themselves on."""


class PickledCode(Rule):
    """Ships serialized data that runs commands or code when it is loaded.

    A pickle (``.pkl``, ``.pickle``, ``.joblib``, the ``data.pkl`` inside a PyTorch checkpoint)
    names the callables that loading it calls: ``pickle.load``, ``torch.load`` and
    ``joblib.load`` import each one and call it. The opcodes are read without loading anything
    (:mod:`capwatch.lang.serialized`); a pickle that calls ``os.system``, ``subprocess``,
    ``exec``/``eval``, the network or the file system is a program disguised as a model or a
    data file, run by whoever loads it (ATT&CK T1059.006). Honest pickles name the classes of
    the data they hold (arrays, data frames, estimators, containers) and nothing that acts.

    Critical with high confidence. In a test folder it is high with medium confidence: tools that
    inspect pickles keep hostile ones there to test themselves on.
    """

    id = "CW126"
    title = "Ships a pickle that runs code when loaded"

    def check(self, profile: Profile) -> Iterator[Finding]:
        pickles = {path for path, plan in profile.plans.items() if plan.role == "pickle"}
        if not pickles:
            return
        uses = [
            u for u in profile.uses
            if u.location.path in pickles and u.capability in _PICKLE_RISKY
        ]
        if not uses:
            return
        fixtures = all(_FIXTURES.search(u.location.path) for u in uses)
        files = list(dict.fromkeys(u.location.path.rsplit("/", 1)[-1] for u in uses))
        more = len(files) - 1
        which = f"{files[0]} and {more} more pickle{'s' if more > 1 else ''} call" if more else (
            f"{files[0]} calls"
        )
        yield self.finding(
            f"{which} {_calls(uses)} when loaded",
            severity=Severity.HIGH if fixtures else Severity.CRITICAL,
            confidence=Confidence.MEDIUM if fixtures else Confidence.HIGH,
            phase=min(u.phase for u in uses),
            evidence=evidence_of(profile, uses),
            capabilities={u.capability for u in uses},
        )


def _calls(uses: list[CapabilityUse]) -> str:
    names = list(dict.fromkeys(u.via for u in uses))
    return ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
