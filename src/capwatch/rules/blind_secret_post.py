from __future__ import annotations

import re
from collections.abc import Iterator

from capwatch.model import Confidence, Evidence, FactKind, Finding, Phase, Severity
from capwatch.profile import Profile
from capwatch.rules.base import Rule

_ENVIRONMENT_COPIES = frozenset({"os.environ.copy", "os.environb.copy"})
"""A copy of the environment is most often handed to a child process, not sent anywhere."""
_ENDS_CREDENTIAL = re.compile(
    r"/(?:[\w.-]*[_.-])?(?:revoke|logout|log_out|signout|sign_out|invalidate|deauthorize)"
    r"(?![a-z])",
    re.IGNORECASE,
)
"""An address whose path asks the server to end the credential it is sent (OAuth's token
revocation endpoint, a log-out): sending the token is the request's purpose."""


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
    count, nor does a request whose reply is read, nor one to an address that ends the
    credential it is sent (``/revoke``, ``/logout``: a token revoked as its user logs out);
    but a cloud account's keys read from the
    environment (``AWS_SECRET_ACCESS_KEY``, ``AZURE_CLIENT_SECRET``...) count wherever they
    are in a request to a host that is not that cloud's, the address included, followed
    through the names and the attributes of ``self`` that hold them (a constructor that reads
    them into ``self.secret``, a method that puts ``self.secret`` in a URL's path). So does
    the whole environment (its ``items()`` or ``values()``, every secret of the process in
    them) gathered by the very function that makes a request whose reply nothing reads; a copy
    of the environment (``os.environ.copy()``) does not count: it is what a child process is
    given.
    """

    id = "CW123"
    title = "Sends the secrets it holds and ignores the answer"

    def check(self, profile: Profile) -> Iterator[Finding]:
        replies = profile.facts_of(FactKind.UNREAD_REPLY)
        if not replies:
            return
        unread = {
            f.location for f, _ in replies if not (f.args and _ENDS_CREDENTIAL.search(f.args[0]))
        }
        posted = [
            (f, p, f.args) for f, p in profile.facts_of(FactKind.SECRET_SENT) if f.location in unread
        ]
        # the whole environment gathered in the function that sends: every secret it holds
        dumped = {
            u.scope for u in profile.uses_of(("host.env.dump",), tuple(Phase))
            if u.via not in _ENVIRONMENT_COPIES
        }
        located = {f.location for f, _, _ in posted}
        posted += [
            (f, p, ("the whole environment",)) for f, p in replies
            if f.scope in dumped and f.location not in located
        ]
        if not posted:
            return
        phase = min(p for _, p, _ in posted)
        names = sorted({name for _, _, sent in posted for name in sent})
        yield self.finding(
            f"Sends {', '.join(names[:4])} in a request whose reply nothing reads: "
            f"{', '.join(dict.fromkeys(f.name for f, _, _ in posted))}",
            severity=Severity.CRITICAL,
            confidence=Confidence.MEDIUM,
            phase=phase,
            evidence=[Evidence(f.location, f.snippet, f.decode_chain) for f, _, _ in posted[:5]],
            capabilities={"net.http.request"},
        )
