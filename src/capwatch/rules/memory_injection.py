from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, describe, earliest, evidence_of

_ALLOCATE = frozenset({"VirtualAlloc", "VirtualAllocEx", "RtlMoveMemory", "PROT_EXEC",
                       "PAGE_EXECUTE_READWRITE"})
_EXECUTE = frozenset({"CreateThread", "CreateRemoteThread", "WriteProcessMemory"})


class MemoryInjection(Rule):
    """Allocates executable memory or writes into other processes.

    ``VirtualAlloc``/``VirtualAllocEx``, ``WriteProcessMemory``, ``CreateRemoteThread``,
    ``RtlMoveMemory`` through ``ctypes``, or executable ``mmap`` pages, together with a thread
    started on that memory or writes into another process: the steps of running shellcode.
    Critical at install, startup or import; high elsewhere.
    """

    id = "CW112"
    title = "Injects code into memory"

    def check(self, profile: Profile) -> Iterator[Finding]:
        uses = profile.uses_of(("code.inject.memory",), tuple(Phase))
        apis = {u.via.rsplit(".", 1)[-1] for u in uses}
        # Allocating or copying memory alone is common in native wrappers; shellcode also needs
        # a thread started on it or another process written to.
        if not (apis & _ALLOCATE and apis & _EXECUTE):
            return
        phase = earliest(uses)
        early = phase in EARLY
        yield self.finding(
            f"Shellcode-style memory APIs: {describe(uses)}",
            severity=Severity.CRITICAL if early else Severity.HIGH,
            confidence=Confidence.HIGH if early else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, uses),
            capabilities={"code.inject.memory"},
        )
