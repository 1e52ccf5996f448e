from __future__ import annotations

from collections.abc import Iterator

from capwatch.lang.python.analyzer import DROPPED_STEP
from capwatch.model import Confidence, Evidence, FactKind, Finding, Phase, Severity
from capwatch.profile import EARLY, Profile
from capwatch.rules.base import Rule, earliest, evidence_of

_CAPS = ("persist.registry", "persist.schedule")
_ACT = ("proc.spawn", "proc.shell", "fs.write", "net.download", "net.http.request")


class Persistence(Rule):
    """Makes something start again on its own: autostart folders, Run keys, cron, shell profiles.

    Writing the registry's Run keys, the Startup folder, crontab, systemd units, LaunchAgents,
    shell start-up files or a Git repository's hooks (``.git/hooks/post-checkout``: run at the
    next checkout, commit or push) from code that runs on install, startup or import, together
    with writing
    files, starting processes or downloading. Installing a package never needs to plant itself
    in the machine's start-up: at install or interpreter start it is critical; at import, high.
    At any time, one function that writes a script into an autostart place, where the script
    holds hidden code (``pickle.loads(zlib.decompress(b"..."))``, ``exec(b64decode(...))``), is
    critical: a tool that offers to start with the session writes a launcher, not a payload.
    So is, at any time, one function that downloads something and saves it into an autostart
    place, or writes there a command that downloads and runs (``wget URL -O f && chmod +x f &&
    f`` appended to ``~/.bashrc``): what starts with every session is then whatever the server
    sends; or a command that uploads (``curl -d @- URL``, as a ``sudo`` alias that posts the
    password it asks for): every session then sends something out. So is, at any time, one
    function of a shipped module that writes an SSH public key the code holds into
    ``authorized_keys`` (a file or a shell command): whoever has the private key can then log
    in as the user; a tool that authorizes keys for its user takes the key from them (test
    fixtures that do it with a literal key are not shipped).
    """

    id = "CW108"
    title = "Installs itself to run at every start-up"

    def check(self, profile: Profile) -> Iterator[Finding]:
        # what is critical at any time is critical early too
        decisive = list(self._at_any_time(profile))
        if decisive:
            yield from decisive
            return
        places = profile.indicators_of(("persist.autostart",), EARLY)
        caps = profile.uses_of(_CAPS, EARLY)
        if not places and not caps:
            return
        act = profile.uses_of(_ACT, EARLY)
        if not act:
            return
        phase = earliest([*places, *caps])
        yield self.finding(
            "Plants autostart: "
            + ", ".join(sorted({i.value for i in places} | {u.via for u in caps}))[:200],
            severity=(
                Severity.CRITICAL if phase in (Phase.INSTALL, Phase.STARTUP)
                else Severity.HIGH if phase is not Phase.RUNTIME else Severity.MEDIUM
            ),
            confidence=Confidence.HIGH if caps and places else Confidence.MEDIUM,
            phase=phase,
            evidence=evidence_of(profile, [*places, *caps]),
            capabilities={u.capability for u in [*caps, *act]},
            indicators={i.kind for i in places},
        )

    def _at_any_time(self, profile: Profile) -> Iterator[Finding]:
        found = list(self._hidden_script(profile)) or list(self._fetched_into_autostart(profile))
        yield from found or self._key_authorized(profile)

    def _key_authorized(self, profile: Profile) -> Iterator[Finding]:
        """One function that writes an SSH public key the code holds where an account lists
        the keys allowed to log in (``authorized_keys``), in a file the installer ships."""
        everywhere = tuple(Phase)
        keys = profile.indicators_of(("persist.ssh-key",), everywhere)
        if not keys:
            return
        places = profile.indicators_of(("persist.ssh-authorized",), everywhere)
        writers = {
            u.scope for u in profile.uses_of(("fs.write", "proc.shell", "proc.spawn"), everywhere)
        }
        scopes = {
            i.scope for i in keys if profile.ships(i.location.path)
        } & {i.scope for i in places} & writers
        if not scopes:
            return
        keys = [i for i in keys if i.scope in scopes]
        places = [i for i in places if i.scope in scopes]
        yield self.finding(
            f"Adds the SSH key {keys[0].value[:40]}... to {places[0].value}: whoever holds its"
            " private key can log in as the user",
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            phase=earliest([*keys, *places]),
            evidence=evidence_of(profile, [*places, *keys]),
            capabilities={"fs.write"},
            indicators={"persist.ssh-key", "persist.ssh-authorized"},
        )

    def _fetched_into_autostart(self, profile: Profile) -> Iterator[Finding]:
        """One function that writes into an autostart place and fetches something from the
        network (``open(join(startup_folder, name), "wb").write(get(url).content)``), or writes
        there a command that downloads and runs (``wget URL -O f && chmod +x f && f``)."""
        everywhere = tuple(Phase)
        places = profile.indicators_of(("persist.autostart",), everywhere)
        if not places:
            return
        fetch = profile.uses_of(("net.download", "net.http.request"), everywhere)
        commands = profile.indicators_of(("shell.download-exec", "shell.upload"), everywhere)
        saving = {u.scope for u in profile.uses_of(("fs.write",), everywhere)} | {
            u.scope for u in fetch if u.capability == "net.download"
        }
        scopes = (
            {i.scope for i in places} & saving
            & ({u.scope for u in fetch} | {i.scope for i in commands})
        )
        if not scopes:
            return
        places = [i for i in places if i.scope in scopes]
        fetch = [u for u in fetch if u.scope in scopes]
        commands = [i for i in commands if i.scope in scopes]
        what = (
            "what it downloads" if fetch
            else "a command that downloads and runs"
            if any(i.kind == "shell.download-exec" for i in commands)
            else "a command that sends data out"
        )
        yield self.finding(
            f"Saves {what} into {places[0].value[:80]}",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=earliest([*places, *fetch, *commands]),
            evidence=evidence_of(profile, [*places, *commands, *fetch]),
            capabilities={u.capability for u in fetch} | {"fs.write"},
            indicators={"persist.autostart", *(i.kind for i in commands)},
        )

    def _hidden_script(self, profile: Profile) -> Iterator[Finding]:
        """One function that writes a script with hidden code into an autostart place."""
        everywhere = tuple(Phase)
        places = profile.indicators_of(("persist.autostart",), everywhere)
        if not places:
            return
        scopes = {i.scope for i in places} & {
            u.scope for u in profile.uses_of(("fs.write",), everywhere)
        }
        hidden = [
            (fact, phase) for fact, phase in profile.facts_of(FactKind.DECODED)
            if fact.scope in scopes and fact.decode_chain[:1] == (DROPPED_STEP,)
            and len(fact.decode_chain) > 1
        ]
        if not hidden:
            return
        scopes = {fact.scope for fact, _ in hidden}
        places = [i for i in places if i.scope in scopes]
        yield self.finding(
            f"Writes a script with hidden code into {places[0].value[:80]}",
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            phase=min(phase for _, phase in hidden),
            evidence=[
                *evidence_of(profile, places),
                *(Evidence(f.location, f.snippet, f.decode_chain, f.value) for f, _ in hidden[:2]),
            ],
            capabilities={"fs.write", "code.decode"},
            indicators={"persist.autostart"},
        )
