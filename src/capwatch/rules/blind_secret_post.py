from __future__ import annotations

from collections.abc import Iterator

from capwatch.model import Confidence, Evidence, FactKind, Finding, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule


class SecretsPostedBlind(Rule):
    """Sends the secrets it holds and never reads the answer.

    A request whose body or query is built from values named as secrets (``json={"id":
    access_key, "key": secret_key}``, ``data={"password": self.password}``, followed through
    the value a name last had in the function; a ``token`` counts alone or as an
    ``api_token``, ``bot_token``..., not a ``tokenizer`` or ``max_tokens``), and whose reply
    nothing reads: the call is a statement of its own, or its result is bound to a name never
    read again. Honest code sends a password or a key to log
    in or to sign a request, and reads what comes back (a session, a token, an error); a
    request that carries keys and ignores the answer exists only so that the server has them.
    Backdoored SDKs copy their users' cloud keys out this way, from the constructor of a client
    or credentials class, whoever calls it: critical at any time, medium confidence. A secret
    that only authenticates the request (in its address, its headers or ``auth=``) does not
    count, nor does a request whose reply is read; but a cloud account's keys read from the
    environment (``AWS_SECRET_ACCESS_KEY``, ``AZURE_CLIENT_SECRET``...) count wherever they
    are in a request to a host that is not that cloud's, the address included, followed
    through the names and the attributes of ``self`` that hold them (a constructor that reads
    them into ``self.secret``, a method that puts ``self.secret`` in a URL's path).
    """

    id = "CW123"
    title = "Sends the secrets it holds and ignores the answer"

    def check(self, profile: Profile) -> Iterator[Finding]:
        unread = {f.location for f, _ in profile.facts_of(FactKind.UNREAD_REPLY)}
        if not unread:
            return
        posted = [(f, p) for f, p in profile.facts_of(FactKind.SECRET_SENT) if f.location in unread]
        if not posted:
            return
        phase = min(p for _, p in posted)
        names = sorted({name for f, _ in posted for name in f.args})
        yield self.finding(
            f"Sends {', '.join(names[:4])} in a request whose reply nothing reads: "
            f"{', '.join(dict.fromkeys(f.name for f, _ in posted))}",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=[Evidence(f.location, f.snippet, f.decode_chain) for f, _ in posted[:5]],
            capabilities={"net.http.request"},
        )
