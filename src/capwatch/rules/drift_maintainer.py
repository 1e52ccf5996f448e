from __future__ import annotations

from collections.abc import Iterator

from capwatch.drift.compare import addresses, host_of
from capwatch.drift.model import Drift, MetadataField
from capwatch.model import Confidence, Evidence, Finding, Location, Severity
from capwatch.rules.base import DriftRule

_CONTACT = (MetadataField.AUTHOR_EMAIL, MetadataField.MAINTAINER_EMAIL)


class ContactOrHomeChanged(DriftRule):
    """A new release names different maintainers' e-mail addresses or a home page elsewhere.

    When a project changes hands, or an attacker publishes with a stolen account, the contact
    addresses and the links to the source often change with the release. Low severity with
    medium confidence: honest projects move too, so this only adds weight to capability drift
    (CW201, CW202). Counted: an author or maintainer e-mail address replaced by different ones
    (none of the old addresses kept; not merely added, removed or reformatted), and a home page
    or project URL host that no URL of the previous release had.
    """

    id = "CW204"
    title = "Maintainer contact or home page changed"

    def check_drift(self, drift: Drift) -> Iterator[Finding]:
        parts: list[str] = []
        for change in drift.metadata:
            if change.field in _CONTACT and addresses(change.old) and addresses(change.new):
                if not addresses(change.old) & addresses(change.new):
                    parts.append(f"{change.field.value} {change.old} -> {change.new}")
            elif change.field in (MetadataField.HOME_PAGE, MetadataField.PROJECT_URLS):
                old_hosts = _hosts(change.old)
                new_hosts = _hosts(change.new) - old_hosts
                if old_hosts and new_hosts:
                    parts.append(f"{change.field.value} now points to {', '.join(sorted(new_hosts))}")
        if not parts:
            return
        yield self.finding(
            "; ".join(parts)[:300],
            severity=Severity.LOW,
            confidence=Confidence.MEDIUM,
            phase=None,
            evidence=[Evidence(Location("metadata"), "\n".join(parts)[:500])],
        )


def _hosts(text: str) -> set[str]:
    return {h for h in (host_of(line) for line in text.splitlines()) if h}
