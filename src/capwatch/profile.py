"""The capability profile of one artifact: every capability use and indicator, with its phase.

This is what rules read. It is built once per artifact from the front ends' facts and the phase
map, and offers the few questions rules ask: which capabilities run in which phases, where, and
which threat clues sit near them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import overload

from capwatch.artifact import ArchiveIssue
from capwatch.capabilities.catalog import ApiMatcher
from capwatch.capabilities.indicators import find_indicators, reads_as_prose
from capwatch.capabilities.shell import shell_capabilities
from capwatch.ecosystem.layout import NOT_INSTALLED, FilePlan, Identity
from capwatch.flow import PhaseMap
from capwatch.lang.base import (
    ATTRIBUTE_LOOKUPS,
    MESSAGE,
    PATTERN,
    REGEX_CALLS,
    FileAnalysis,
    Problem,
)
from capwatch.model import (
    ArtifactInfo,
    CapabilityUse,
    Fact,
    FactKind,
    Indicator,
    IntelMatch,
    Location,
    Phase,
)

EARLY = frozenset({Phase.INSTALL, Phase.STARTUP, Phase.IMPORT})
"""Phases in which code runs without the user calling anything: where malware lives."""

_SHELL_TRUE = "shell=True"
_RUNS_COMMANDS = frozenset({"proc.shell", "proc.spawn"})
_PATTERN_KINDS = frozenset({"token.regex"})
"""Indicators that are regular expressions themselves: the only ones a pattern holds (a path
or host in a pattern is what the code looks for, not what it uses)."""
_IDENTITY_VARIABLES = frozenset(
    {"USERNAME", "USER", "LOGNAME", "COMPUTERNAME", "HOSTNAME", "USERDOMAIN"}
)
"""Environment variables that say who and which machine this is: reading one is fingerprinting."""
_ENVIRON = frozenset({"os.environ", "os.environb"})
_ENV_READS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.environb.get"})
_WHOLE_ENVIRONMENT = ("=os.environ", "=os.environb")
"""A keyword argument that is the whole environment (``data=os.environ``)."""
_PATH_JOINS = frozenset({"os.path.join", "posixpath.join", "ntpath.join", "pathlib.Path",
                         "pathlib.PurePath", "pathlib.PureWindowsPath", "pathlib.WindowsPath"})
"""Calls that join path parts: their constant parts are looked at as one path too."""
_SENDS = frozenset({"net.http.request", "net.socket", "msg.send"})
_PERMISSIONS = "fs.permissions"

_PHASES = tuple(Phase)
"""Every phase, by its value: the phase codes :class:`PhasedFacts` keeps index it."""

IndicatorMemo = dict[str, tuple[tuple[str, str], ...]]
"""The indicators found in each distinct text of one artifact (``find_indicators``), worked out
once: the same text is often several literals and a call's argument."""


class PhasedFacts(Sequence[tuple[Fact, Phase]]):
    """The facts of one kind in some phases, each with its phase, made when iterated.

    A list of ``(fact, phase)`` pairs costs 64 bytes a fact, and rules ask for the calls of a
    large package (half a million facts) several times over: the pairs were the rules' memory
    peak. This view holds only the profile's list of facts and one phase code (a byte) per fact,
    and makes each pair as the iteration reaches it; the iteration runs in C (``zip``, ``map``,
    ``compress``). Indexing goes through the iteration: rules iterate, index the lists they
    build themselves."""

    __slots__ = ("_codes", "_facts", "_keep", "_wanted")

    def __init__(self, facts: Sequence[Fact], codes: bytes, wanted: frozenset[Phase]) -> None:
        self._facts = facts
        self._codes = codes
        """The phase of each fact, as the phase's value."""
        self._wanted = wanted
        self._keep = bytes(p in wanted for p in _PHASES)
        """Whether each phase code is wanted, by the code."""

    def __iter__(self) -> Iterator[tuple[Fact, Phase]]:
        pairs = zip(self._facts, map(_PHASES.__getitem__, self._codes), strict=True)
        if len(self._wanted) == len(_PHASES):
            return pairs
        return compress(pairs, map(self._keep.__getitem__, self._codes))

    def __len__(self) -> int:
        if len(self._wanted) == len(_PHASES):
            return len(self._facts)
        return sum(self._codes.count(p.value) for p in self._wanted)

    @overload
    def __getitem__(self, index: int) -> tuple[Fact, Phase]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[Fact, Phase]]: ...

    def __getitem__(self, index: int | slice) -> tuple[Fact, Phase] | list[tuple[Fact, Phase]]:
        return list(self)[index]


@dataclass(slots=True)
class Profile:
    identity: Identity
    plans: dict[str, FilePlan]
    phases: PhaseMap
    uses: list[CapabilityUse] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    facts_by_kind: dict[FactKind, list[Fact]] = field(default_factory=dict)
    """The facts of the artifact that can give anything (:func:`drop_idle_facts`), by kind
    (rules ask for one kind at a time, and for a few kinds only). A fact's phase is its scope's:
    looked up when a rule first asks for its kind (:meth:`facts_of`) and kept as one byte a
    fact, so the kinds no rule reads hold none."""
    _phase_codes: dict[FactKind, bytes] = field(default_factory=dict, init=False, repr=False)
    problems: list[Problem] = field(default_factory=list)
    archive_issues: list[ArchiveIssue] = field(default_factory=list)
    files_scanned: int = 0
    decoded_at: dict[Location, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    """Decoded payload text by the location of the code that decodes it, for evidence."""
    artifact: ArtifactInfo | None = None
    """The artifact scanned: its path (file name), sha256 and the identity read from it."""
    intel: tuple[IntelMatch, ...] = ()
    """Known-malware records that match the artifact (see :mod:`capwatch.intel`)."""

    # -- questions rules ask ---------------------------------------------------------------

    def uses_of(
        self, capabilities: Iterable[str], phases: Iterable[Phase] = EARLY
    ) -> list[CapabilityUse]:
        caps = frozenset(capabilities)
        wanted = frozenset(phases)
        return [u for u in self.uses if u.capability in caps and u.phase in wanted]

    def has(self, capability: str, phases: Iterable[Phase] = EARLY) -> bool:
        wanted = frozenset(phases)
        return any(u.capability == capability and u.phase in wanted for u in self.uses)

    def indicators_of(
        self, kinds: Iterable[str], phases: Iterable[Phase] = tuple(Phase)
    ) -> list[Indicator]:
        prefixes = tuple(kinds)
        wanted = frozenset(phases)
        return [i for i in self.indicators if i.kind.startswith(prefixes) and i.phase in wanted]

    def facts_of(
        self, kind: FactKind, phases: Iterable[Phase] = tuple(Phase)
    ) -> PhasedFacts:
        """The facts of ``kind`` whose phase is one of ``phases``, each with its phase, in the
        order the front end found them."""
        if kind is FactKind.IMPORT:
            # the engine does not keep them: imports are the call graph's edges (flow.py)
            raise ValueError("import facts are not part of the profile; read the phases instead")
        if kind is FactKind.LITERAL:
            # the engine keeps only those that give something (drop_idle_facts)
            raise ValueError("literal facts are not part of the profile; read the indicators")
        facts = self.facts_by_kind.get(kind, [])
        codes = self._phase_codes.get(kind)
        if codes is None:
            phase_of, runtime = self.phases.phase_of, Phase.RUNTIME
            codes = self._phase_codes[kind] = bytes(
                [phase_of.get(f.scope, runtime) for f in facts]
            )
        return PhasedFacts(facts, codes, frozenset(phases))

    def scopes_with(self, capability: str, phases: Iterable[Phase] = EARLY) -> set[str]:
        wanted = frozenset(phases)
        return {u.scope for u in self.uses if u.capability == capability and u.phase in wanted}

    def ships(self, path: str) -> bool:
        """Whether an installer puts the file at ``path`` on the user's machine (not a test,
        tool or example that only a checkout of the source tree has)."""
        plan = self.plans.get(path)
        return plan is None or plan.role != NOT_INSTALLED

    def load_unit(self, scope: str) -> str:
        """The code that runs together on load: a module-level function (not a method) that its
        own module's top-level code reaches directly belongs to that module-level code
        (``def run(): ...`` then ``run()``); any other scope stands alone."""
        module, _, qualname = scope.partition(":")
        parent = self.phases.parent.get(scope)
        if parent == f"{module}:<module>" and qualname.isidentifier():
            return parent
        return scope

    def enclosing_function(self, scope: str) -> str:
        """The outermost function whose body defines ``scope``: a helper nested in a function
        (``mod:fetch_and_run.download``) is part of that function (``mod:fetch_and_run``);
        a method (``mod:Client.send``) stands alone, since a class is no scope of its own, and
        so does a nested function handed to a decorator (``@app.route(...)`` inside
        ``mod:make_app``): a handler others call, not a step of the function that defines it."""
        known, registered = self.phases.defined, self.phases.registered
        module, _, qualname = scope.partition(":")
        outer = scope
        while "." in qualname and outer not in registered:
            qualname = qualname.rsplit(".", 1)[0]
            candidate = f"{module}:{qualname}"
            if candidate in known:
                outer = candidate
        return outer

    def why(self, scope: str) -> str:
        """How a scope comes to run early: ``setup:<module> -> setup:Install.run``."""
        return " -> ".join(self.phases.path_to(scope))


def build_profile(
    identity: Identity,
    plans: Sequence[FilePlan],
    analyses: dict[str, FileAnalysis],
    phases: PhaseMap,
    matcher: ApiMatcher,
    indicator_memo: IndicatorMemo | None = None,
) -> Profile:
    profile = Profile(identity, {p.path: p for p in plans}, phases)
    seen_indicators: set[tuple[str, str, str]] = set()
    if indicator_memo is None:
        indicator_memo = {}
    # the loop runs once per fact of the artifact: phases, fact lists and the kinds are local
    # names (reading an enum member off its class costs as much as a dictionary lookup)
    phase_of, runtime = phases.phase_of, Phase.RUNTIME
    literal, call, reference, decoded = (
        FactKind.LITERAL, FactKind.CALL, FactKind.REFERENCE, FactKind.DECODED
    )
    by_kind = profile.facts_by_kind
    match = matcher.match
    for analysis in analyses.values():
        profile.problems.extend(analysis.problems)
        environ_lines: set[tuple[str, int]] | None = None  # made when an identity name shows up
        for fact in analysis.facts:
            fact_kind = fact.kind
            phase = phase_of.get(fact.scope, runtime)
            if fact_kind is reference and fact.binding:
                # an API bound to a module-level name (``Handle = socket.socket``) is used
                # where that name is read
                phase = phase_of.get(fact.binding, runtime)
            if fact_kind is not literal:  # literals reach rules as indicators and uses only
                same_kind = by_kind.get(fact_kind)
                if same_kind is None:
                    same_kind = by_kind[fact_kind] = []
                same_kind.append(fact)
            if fact_kind is literal and fact.value in _IDENTITY_VARIABLES:
                if environ_lines is None:
                    environ_lines = _environ_lines(analysis)
                if (fact.location.path, fact.location.line) in environ_lines:
                    # ``os.environ["COMPUTERNAME"]``
                    profile.uses.append(
                        CapabilityUse(
                            "host.fingerprint", phase, fact.location,
                            f"os.environ[{fact.value!r}]", fact.scope, fact.decode_chain,
                            fact.snippet,
                        )
                    )
            if fact_kind is call or fact_kind is reference:
                caps = match(fact.name)
                if fact_kind is call and _SHELL_TRUE in fact.args and fact.name.startswith("subprocess."):
                    caps = (*caps, "proc.shell")
                if fact_kind is call:
                    clues = _environment_clues(fact, caps)
                    if clues:
                        caps = (*caps, *clues)
                    if _PERMISSIONS in caps and _keeps_unexecutable(fact.args):
                        # ``os.chmod(path, 0o644)`` makes nothing executable
                        caps = tuple(cap for cap in caps if cap != _PERMISSIONS)
                for cap in caps:
                    profile.uses.append(
                        CapabilityUse(
                            cap, phase, fact.location, fact.name, fact.scope,
                            fact.decode_chain, fact.snippet, fact.args[:4],
                        )
                    )
                if fact_kind is call and caps and fact.args and _RUNS_COMMANDS.intersection(caps):
                    for cap, program in shell_capabilities(" ".join(fact.args[:8])):
                        profile.uses.append(
                            CapabilityUse(
                                cap, phase, fact.location, f"shell:{program}", fact.scope,
                                fact.decode_chain, fact.snippet,
                            )
                        )
            texts: Sequence[str] = ()
            pattern = False  # a regular expression: only indicators that are patterns count
            if fact_kind is literal:
                if fact.value and fact.name != MESSAGE:
                    texts = (fact.value,)
                    pattern = fact.name == PATTERN
            elif fact_kind is call:
                # ``hasattr(subprocess, "CREATE_NO_WINDOW")`` names an attribute: no text
                texts = fact.args if fact.name not in ATTRIBUTE_LOOKUPS else ()
                pattern = fact.name in REGEX_CALLS
                if fact.name in _PATH_JOINS and texts:
                    # ``os.path.join(home, "App", "Store")`` names ``…/App/Store``, and
                    # ``os.path.join(root, ".env")`` names ``…/.env``
                    texts = (*texts, "…/" + "/".join(texts))
            elif fact_kind is decoded and fact.value:
                texts = (fact.value,)
                profile.decoded_at.setdefault(fact.location, (fact.value, fact.decode_chain))
            if not texts:
                continue
            clue_phase = phase_of.get(fact.binding, runtime) if fact.binding else phase
            for text in texts:
                found = indicator_memo.get(text)
                if found is None:
                    # the same text is often both a literal and a call's argument
                    found = indicator_memo[text] = _indicators_in(text)
                for kind, value in found:
                    if pattern and kind not in _PATTERN_KINDS:
                        continue
                    key = (kind, value, fact.scope)
                    if key in seen_indicators:
                        continue
                    seen_indicators.add(key)
                    profile.indicators.append(
                        Indicator(
                            kind, value, clue_phase, fact.location, fact.decode_chain,
                            fact.snippet, fact.scope, fact.binding or "",
                        )
                    )
    return profile


def _indicators_in(text: str) -> tuple[tuple[str, str], ...]:
    """The indicators a text gives: none when it reads as prose (a help text, a message put
    together before it is shown), which mentions what it names rather than uses it."""
    found = tuple(find_indicators(text))
    return () if found and reads_as_prose(text) else found


class NamesRead:
    """The call and reference names that give something by the name alone, for one artifact:
    a capability (a use in :func:`build_profile`), ``os.environ`` (the lines that read it), or
    a name some rule looks for among facts with nothing else to them (``Rule.names_read``,
    such as ``?.wait``). Worked out once per distinct name: names repeat thousands of times."""

    __slots__ = ("_matcher", "_memo", "_named")

    def __init__(self, matcher: ApiMatcher, named: Iterable[str]) -> None:
        self._matcher = matcher
        self._named = frozenset(named) | _ENVIRON
        self._memo: dict[str, bool] = {}

    def __contains__(self, name: str) -> bool:
        known = self._memo.get(name)
        if known is None:
            known = self._memo[name] = bool(self._matcher.match(name)) or name in self._named
        return known


def drop_idle_facts(
    analysis: FileAnalysis, indicator_memo: IndicatorMemo, names: NamesRead
) -> None:
    """Leave out of one file's facts those that can give the profile and the rules nothing.

    Every fact lives until the rules have run, and most of a large package's are idle: string
    literals with no indicator in them (generated tables, message catalogues, test data), and
    calls and references of names that are no capability, with nothing folded or traced in
    them (``client.create_job(request=request)``, two thirds of the calls of a generated API
    client). No rule reads literal facts: a literal counts only as an indicator found in its
    text, or as an identity variable read from the environment (:func:`build_profile`). Rules
    read calls by their arguments, by the data traced into them (``inner``, ``sources``), by
    a decode chain, or by name: a call or reference with none of the first three counts only
    if its name is in ``names``. The engine calls this right after each file is analysed, so
    only the facts that matter are held. The facts kept keep their order, so the profile
    built from them, and every rule's view of it, is the same."""
    analysis.facts = [f for f in analysis.facts if _counts(f, indicator_memo, names)]


def _counts(fact: Fact, indicator_memo: IndicatorMemo, names: NamesRead) -> bool:
    """Whether :func:`build_profile` or a rule can make anything of a fact."""
    kind = fact.kind
    if kind is FactKind.LITERAL:
        return _literal_counts(fact.value, fact.name == MESSAGE, indicator_memo)
    if kind is FactKind.CALL or kind is FactKind.REFERENCE:
        return bool(fact.args or fact.inner or fact.sources or fact.decode_chain) or (
            fact.name in names
        )
    return True


def _literal_counts(value: str | None, message: bool, indicator_memo: IndicatorMemo) -> bool:
    """Whether :func:`build_profile` makes anything of a literal fact of this text, shown to
    people (``message``) or not."""
    if not value:
        return False
    if value in _IDENTITY_VARIABLES:
        return True
    if message:
        return False
    found = indicator_memo.get(value)
    if found is None:
        found = indicator_memo[value] = _indicators_in(value)
    return bool(found)


class IdleTest:
    """The test of :func:`drop_idle_facts`, asked by a front end before it makes a literal,
    call or reference fact (:class:`~capwatch.lang.base.FactFilter`): a fact that would be
    dropped right after its file is analysed is never made. Most of a large package's facts
    are idle, and making each (its location, its snippet, its shared texts) cost more than
    the test."""

    __slots__ = ("_memo", "_names")

    def __init__(self, indicator_memo: IndicatorMemo, names: NamesRead) -> None:
        self._memo = indicator_memo
        self._names = names

    def literal(self, text: str, message: bool) -> bool:
        return _literal_counts(text, message, self._memo)

    def name(self, name: str) -> bool:
        return name in self._names


def _environ_lines(analysis: FileAnalysis) -> set[tuple[str, int]]:
    """The lines of a file that read ``os.environ`` (``os.environ["USERNAME"]`` is one)."""
    return {
        (f.location.path, f.location.line) for f in analysis.facts
        if f.kind is FactKind.REFERENCE and f.name in _ENVIRON
    }


def _keeps_unexecutable(args: Sequence[str]) -> bool:
    """Whether a ``chmod`` call's mode, written as a number (``mode=0o644`` or ``mode=420``, as
    the front end gives it), grants no one the right to run the file: such a call is no ``fs.permissions``
    use, whose point is making a download executable."""
    for arg in args:
        if arg.startswith("mode="):
            try:
                return int(arg[5:], 0) & 0o111 == 0
            except ValueError:
                return False
    return False


def _environment_clues(fact: Fact, caps: Sequence[str]) -> tuple[str, ...]:
    """What a call's arguments say it reads of the environment: an identity variable
    (``os.getenv("USERNAME")``) is a fingerprint; the whole environment handed to a request
    (``requests.post(url, data=os.environ)``) is a dump of it."""
    if fact.name in _ENV_READS and fact.args and fact.args[0] in _IDENTITY_VARIABLES:
        return ("host.fingerprint",)
    if not _SENDS.isdisjoint(caps) and any(a.endswith(_WHOLE_ENVIRONMENT) for a in fact.args):
        return ("host.env.dump",)
    return ()
