from __future__ import annotations

from collections.abc import Iterator

from capwatch.artifact.members import NESTED_SEPARATOR
from capwatch.model import Confidence, Evidence, Finding, Location, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule, RuleKind

_HOSTILE = frozenset({"path-absolute", "path-traversal", "symlink-outside", "special-file",
                      "ratio-exceeded", "nesting-exceeded"})
_LIMITS = frozenset({"hardlink", "member-too-large", "too-many-members", "total-too-large", "truncated",
                     "bad-name-encoding", "duplicate-member", "nested-archive-error"})


class ArchiveAnomaly(Rule):
    """The archive itself is built to attack whoever unpacks it, or could not be read whole.

    Absolute paths, ``..`` traversal, links that point outside the package, device files, and
    compression ratios or nesting of a decompression bomb are reported as hostile (a reviewer
    should look; installers reject most of them). Members over the size limits, too many
    members, truncated streams and undecodable names are reported so that a reviewer knows
    which part was not analysed. Symbolic links inside the package are common in honest sdists
    and are not reported. Inside an archive that the package carries as data (test fixtures of
    an archive library), which no installer unpacks, hostile entries are only informational.
    """

    id = "CW901"
    title = "Archive anomaly"
    kind = RuleKind.HYGIENE

    def check(self, profile: Profile) -> Iterator[Finding]:
        # Inside an archive the package ships as data (``tests/data.tar!member``) nothing is
        # unpacked by an installer: what would be hostile there only limits the analysis.
        hostile = [
            i for i in profile.archive_issues
            if i.kind.value in _HOSTILE and NESTED_SEPARATOR not in i.path
        ]
        limits = [
            i for i in profile.archive_issues
            if i.kind.value in _LIMITS or (i.kind.value in _HOSTILE and NESTED_SEPARATOR in i.path)
        ]
        if hostile:
            yield self.finding(
                "; ".join(sorted({f"{i.kind.value}: {i.detail}" for i in hostile}))[:400],
                severity=Severity.MEDIUM,
                confidence=Confidence.MEDIUM,
                phase=None,
                evidence=[Evidence(Location(i.path or profile.identity.root)) for i in hostile],
            )
        if limits:
            yield self.finding(
                "Not analysed in full: "
                + "; ".join(sorted({f"{i.kind.value}: {i.detail}" for i in limits}))[:400],
                severity=Severity.INFO,
                confidence=Confidence.HIGH,
                phase=None,
                evidence=[Evidence(Location(i.path)) for i in limits],
            )
