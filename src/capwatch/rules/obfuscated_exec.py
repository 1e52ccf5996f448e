from __future__ import annotations

import functools
from collections.abc import Iterator

from capwatch.capabilities.catalog import load_catalog
from capwatch.lang.python.analyzer import DROPPED_STEP, HANDED, PLACEHOLDER
from capwatch.model import (
    Confidence,
    Evidence,
    Fact,
    FactKind,
    Finding,
    Phase,
    Severity,
    chain_text,
)
from capwatch.profile import Profile
from capwatch.rules.base import Rule, evidence_of, when

_EXEC = frozenset({"exec", "eval", "compile"})
_FILE_READS = ("open", "io.open", "codecs.open", "?.read_text", "pathlib.Path", "?.read",
               "os.path.join", "tokenize.open")
_HIDING = frozenset({"chr", "ord", "?.join", "?.decode", "bytes", "bytearray", "?.replace",
                     "map", "getattr", "?.translate", "?.fromhex", "zip", "reversed"})
_EVERYDAY = frozenset({"?.join", "?.replace", "map", "zip", "reversed"})
"""Ordinary string building: hiding only next to a character-level trick from ``_HIDING``."""
_DECRYPT = ("crypto.decrypt", "code.decode", "code.load.bytecode")
_ASSEMBLY = frozenset({"chr", "ord"})
_ASSEMBLY_PHASES = frozenset({Phase.INSTALL, Phase.STARTUP})
_UNWRAPPING = frozenset({"crypto.decrypt", "code.load.bytecode"})
"""Decrypts with a key or loads serialized code: what only hidden code needs."""


class ObfuscatedExecution(Rule):
    """Evaluates code assembled at run time from pieces that hide what it is.

    ``exec``/``eval``/``compile`` in ``install``, ``startup`` or ``import`` phase whose argument
    is built by decrypting with a key in the code, decoding, character arithmetic (``chr``,
    ``ord``, ``translate``, ``fromhex``; ``join`` and ``replace`` only next to one of those) or
    looked-up builtins, where the scanner could not fold it
    to a constant. In install or start-up code, a string assembled character by character
    (``chr(ord(a) ^ ord(k))`` in a loop) in the same scope as the ``exec``, or code run through
    ``chr`` or ``ord`` on its way to the ``exec`` (``exec(str(map(ord, s)))``), is critical; at
    import and at run time too, in a file that hides ``exec`` or ``eval`` under another name
    (``show = exec``, ``a, b = exec, str``; handing ``exec`` itself to a call, as the import
    system's ``_call_with_frames_removed(exec, code, ns)`` does, is no disguise): honest code has
    no reason to disguise what it runs,
    and a library function that decrypts and runs code through a disguised ``exec`` is a
    trojan waiting for its first call. Decoding,
    unmarshalling or decrypting with a key held in the code (in the argument, or in the same
    scope as the ``exec``) and executing the result is critical:
    there is no honest reason to ship encrypted code that runs on install or import. Reading a
    version file and executing it (``exec(open(...).read())``), the common honest idiom in
    ``setup.py``, does not count. In code that runs only when called, only an ``exec`` that the
    file itself disguises counts: critical with medium confidence. Code that hides the names of
    what it calls (``__import__``, ``getattr``, ``exec``, ``subprocess``, ``socket``,
    ``system``...) behind character codes or an encoding is critical in install, start-up and
    import code and high elsewhere, whatever it then runs.
    """

    id = "CW113"
    title = "Executes obfuscated code at install or import"
    names_read = _ASSEMBLY | _EXEC  # ``chr``/``ord`` in a scope; an ``exec`` call or alias

    def check(self, profile: Profile) -> Iterator[Finding]:
        hits: list[tuple[Fact, Phase]] = []
        decrypted = looped_any = False
        calls = profile.facts_of(FactKind.CALL)
        assembled: dict[str, set[str]] = {}
        unwrapped: set[str] = set()
        match = load_catalog().matcher("python").match
        aliased = {
            fact.location.path for fact, _ in profile.facts_of(FactKind.REFERENCE)
            if fact.name in _EXEC and not fact.decode_chain and fact.value != HANDED
        }
        for fact, _ in calls:
            if fact.decode_chain:
                continue  # what a payload does inside itself says nothing about its host scope
            if fact.name in _ASSEMBLY:
                assembled.setdefault(fact.scope, set()).add(fact.name)
            if not _UNWRAPPING.isdisjoint(match(fact.name)):
                unwrapped.add(fact.scope)
        for fact, phase in calls:
            if fact.name not in _EXEC or fact.decode_chain or _constant_code(fact.args):
                continue
            inner = set(fact.inner)
            if any(n.startswith(_FILE_READS) or n in _FILE_READS for n in (*inner, *fact.sources)):
                continue
            hidden = any(_decrypt(n) for n in (*inner, *fact.sources)) or fact.scope in unwrapped
            # character assembly counts at install and start-up, and at import where the file
            # hides ``exec`` itself under another name (``show = exec``)
            assembly_counts = phase in _ASSEMBLY_PHASES or fact.location.path in aliased
            looped = assembly_counts and (
                assembled.get(fact.scope, set()) >= {"chr", "ord"} or bool(inner & _ASSEMBLY)
            )
            tricks = inner & _HIDING
            if phase is Phase.RUNTIME:
                # called only by the user: count only code that also hides the exec itself
                if fact.location.path in aliased and (hidden or looped):
                    hits.append((fact, phase))
                    decrypted = decrypted or hidden
                    looped_any = looped_any or looped
                continue
            if (tricks and not tricks <= _EVERYDAY) or hidden or looped:
                hits.append((fact, phase))
                decrypted = decrypted or hidden
                looped_any = looped_any or looped
        if not hits:
            yield from self._hidden_names(profile)
            return
        phase = min(p for _, p in hits)
        hits = [(f, p) for f, p in hits if p == phase]
        uses = [u for u in profile.uses if u.capability == "code.exec.dynamic"
                and any(u.location == f.location for f, _ in hits)]
        yield self.finding(
            f"{hits[0][0].name}() of code assembled with "
            f"{', '.join(sorted(set(hits[0][0].inner))[:5]) or 'characters (chr, ord)'}"
            + f" {when(phase)}",
            severity=Severity.CRITICAL if decrypted or looped_any else Severity.HIGH,
            confidence=Confidence.HIGH
            if phase is Phase.INSTALL or (decrypted and phase is not Phase.RUNTIME)
            else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, uses),
            capabilities={"code.exec.dynamic"},
        )

    def _hidden_names(self, profile: Profile) -> Iterator[Finding]:
        """The name of a builtin, a process or network API or a module that code reaches for,
        written so that only decoding shows it (``getattr(b, "".join(chr(c) for c in codes))``,
        ``__import__(b64decode("c3VicHJvY2Vzcw==").decode())``)."""
        found = [
            (fact, phase) for fact, phase in profile.facts_of(FactKind.DECODED)
            if fact.value is not None and fact.value.strip() in _SENSITIVE_NAMES
            and fact.decode_chain and "exec" not in fact.decode_chain
            and DROPPED_STEP not in fact.decode_chain
        ]
        if not found:
            return
        phase = min(p for _, p in found)
        early = phase is not Phase.RUNTIME
        names = sorted({(f.value or "").strip() for f, _ in found})
        yield self.finding(
            f"Hides the names it calls: {', '.join(names[:6])}, decoded"
            f" ({chain_text(found[0][0].decode_chain)}) {when(phase)}",
            severity=Severity.CRITICAL if early else Severity.HIGH,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=[
                Evidence(f.location, f.snippet, f.decode_chain, f.value) for f, _ in found[:5]
            ],
            capabilities={"code.decode"},
        )


_SENSITIVE_NAMES = frozenset({
    "__import__", "__builtins__", "builtins", "exec", "eval", "compile", "getattr",
    "os", "subprocess", "socket", "ctypes", "marshal", "base64", "zlib", "requests",
    "urllib", "urllib.request", "http.client", "system", "popen", "Popen", "check_output",
    "urlopen", "b64decode", "loads",
})
"""Names a hidden call reaches for: how to run code, processes and the network, and how to
decode more. Nothing honest spells these out with character codes or base64."""


def _decrypt(name: str) -> bool:
    """Decodes, decrypts or unmarshals; a method of an object the scanner could not name
    counts by its name (``?.b64decode`` on a module fetched by ``__import__`` in a string)."""
    if name.startswith("?."):
        return name[2:] in _decoder_method_names()
    return bool(set(load_catalog().matcher("python").match(name)) & set(_DECRYPT))


@functools.cache
def _decoder_method_names() -> frozenset[str]:
    catalog = load_catalog()
    names = {
        api.rsplit(".", 1)[-1]
        for cap in _DECRYPT
        for api in catalog.capabilities[cap].apis.get("python", ())
        if "." in api
    }
    # ``decode``/``loads`` name everyday methods too (``bytes.decode``, ``json.loads``)
    return frozenset(names - {"decode", "loads", "load", "new", "*"})


def _constant_code(args: tuple[str, ...]) -> bool:
    """The code argument folded to readable text: nothing is hidden (the text is analysed)."""
    return bool(args) and PLACEHOLDER not in args[0] and len(args[0]) > 0
