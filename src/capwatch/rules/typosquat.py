from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Ecosystem, Evidence, Finding, Location, Severity
from capwatch.names import typosquat_of
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, RuleKind, earliest, evidence_of
from capwatch.rules.drift_capability import RISKY

_FAR = 2
"""Edit distance from which a look-alike name on its own is only a low note."""


class Typosquat(Rule):
    """The project's name imitates a popular project's name.

    Typosquats catch people who mistype ``pip install``: ``reqeusts``, ``python-dateutil`` spelt
    ``pythondateutil``, ``nurnpy`` (``rn`` for ``m``), ``requests-python``. The name from the
    artifact's metadata is compared with the 1,000 most downloaded PyPI projects
    (``capwatch/names/popular.txt``): same letters with other separators, look-alike characters,
    a decoy prefix or suffix (``py-``, ``python-``, ``-dev``, ``-lib``...), swapped, dropped,
    doubled or replaced characters (edit distance 1 for names of 5 to 8 characters, 2 from 9;
    never for 4 characters or fewer). A name that is itself on the list, or among the 15,000 most
    downloaded, is never a typosquat, so legitimately close popular projects (``boto3`` and
    ``botocore``, ``scipy`` and ``scapy``) are not flagged.

    On its own the name is a signal, not proof: medium severity with medium confidence
    (suspicious at most), and a low note when the name is two edits away (on 20,000 random PyPI
    names, a quarter of the look-alikes were two edits away, mostly honest projects named after
    what they extend: ``botostubs``, ``unvibecode``) or is the popular name with a suffix that
    says what is built on it (``-sdk``, ``-client``, ``-utils``, ``-tool``, ``-tools``:
    ``onnx-tool``). When the package also uses risky capabilities at install, start-up or
    import time (process execution, network, dynamic code, credential files...), high severity
    with high confidence, which together with the finding for that behaviour makes the package
    malicious. A name rule: off with ``--no-metadata-signals``.
    """

    id = "CW210"
    title = "Name imitates a popular project"
    kind = RuleKind.METADATA

    def check(self, profile: Profile) -> Iterator[Finding]:
        identity = profile.identity
        if identity.ecosystem is not Ecosystem.PYPI or not identity.name:
            return
        squat = typosquat_of(identity.name)
        if squat is None:
            return
        risky = profile.uses_of(RISKY, EARLY)
        how = squat.technique.value + (f", distance {squat.distance}" if squat.distance else "")
        message = f"{identity.name!r} looks like the popular project {squat.target!r} ({how})"
        source = identity.metadata.source if identity.metadata else "metadata"
        evidence = [Evidence(Location(source), f"Name: {identity.name}")]
        if risky:
            message += "; and it runs " + ", ".join(sorted({u.capability for u in risky})) + " early"
            yield self.finding(
                message,
                severity=Severity.HIGH,
                confidence=Confidence.HIGH,
                phase=earliest(risky),
                evidence=evidence + evidence_of(profile, risky),
                capabilities={u.capability for u in risky},
            )
            return
        # two edits apart, or the popular name with a suffix that names what is built on it,
        # a name alone is as often another honest project's (``botostubs`` and
        # ``boto3-stubs``, ``onnx-tool``): a note that adds weight to other findings
        alone = Severity.LOW if squat.distance >= _FAR or squat.extends else Severity.MEDIUM
        yield self.finding(
            message, severity=alone, confidence=Confidence.MEDIUM, phase=None, evidence=evidence,
        )
