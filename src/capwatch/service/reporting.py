"""Sending observations to a registry, retried on failure, with an outcome to record.

:class:`ObservationSender` posts a body made by :func:`capwatch.service.osv.observation_body` to
``<endpoint>/projects/<name>/observations`` (PyPI: ``endpoint`` is
``https://pypi.org/danger-api``) as ``application/vnd.pypi.api-v0-danger+json`` with
``Authorization: Bearer <token>`` (a PyPI API token of an account allowed to observe).

Retries: connection errors, timeouts, HTTP 5xx and 429 are retried, up to ``max_attempts``
attempts in all, waiting ``backoff * 2**(n-1)`` seconds after the n-th failure (or what a 429's or
503's ``Retry-After`` asks, capped at :data:`MAX_RETRY_AFTER`); any other 4xx is final (the
request itself is wrong: bad token, unknown project, invalid body). :meth:`ObservationSender.send`
never raises for a failure: it returns a :class:`SendOutcome` for the caller to record. The
token never appears in an outcome or a log line.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from capwatch.errors import UsageError
from capwatch.service.osv import OBSERVATION_CONTENT_TYPE
from capwatch.sources.transport import redact_url, user_agent

log = logging.getLogger(__name__)

MAX_RETRY_AFTER = 60.0
"""Longest wait a server's ``Retry-After`` can impose between two attempts, in seconds."""
ERROR_BODY_CHARS = 300
"""How much of a failed response's body goes into :attr:`SendOutcome.error`."""


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What happened to one observation."""

    ok: bool
    status: int | None
    """The last HTTP status received (None when no response ever came)."""
    attempts: int
    error: str | None
    """Why it failed, for a person (None when ``ok``)."""


class ObservationSender:
    """Posts observations to one registry endpoint; reusable, one HTTP connection pool."""

    def __init__(
        self,
        endpoint: str,
        token: str,
        *,
        timeout: float,
        max_attempts: int,
        backoff: float,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise UsageError(f"the observations endpoint must be an http(s) URL, got {endpoint!r}")
        if not token:
            raise UsageError("the observations endpoint needs a token")
        if max_attempts < 1:
            raise UsageError(f"max_attempts must be at least 1, got {max_attempts}")
        if timeout <= 0 or backoff < 0:
            raise UsageError("timeout must be positive and backoff not negative")
        self.endpoint = endpoint.rstrip("/")
        self._token = token
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff = backoff
        self._client = client or httpx.Client(timeout=timeout, follow_redirects=False)
        self._owns_client = client is None
        self._sleep = sleep

    def url_for(self, project: str) -> str:
        """Where the observation about ``project`` goes."""
        return f"{self.endpoint}/projects/{quote(project, safe='')}/observations"

    def send(self, project: str, body: Mapping[str, Any]) -> SendOutcome:
        """Post ``body`` about ``project``, retrying transient failures; never raises for them."""
        url = self.url_for(project)
        payload = json.dumps(dict(body), ensure_ascii=False).encode("utf-8")
        headers = {
            "Authorization": f"Bearer {self._token}",
            "Content-Type": OBSERVATION_CONTENT_TYPE,
            "Accept": OBSERVATION_CONTENT_TYPE,
            "User-Agent": user_agent(),
        }
        status: int | None = None
        error: str | None = None
        for attempt in range(1, self.max_attempts + 1):
            wait = self.backoff * 2 ** (attempt - 1)
            try:
                response = self._client.post(url, content=payload, headers=headers, timeout=self.timeout)
            except httpx.HTTPError as exc:
                status, error = None, f"cannot reach {redact_url(url)}: {_describe(exc)}"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    log.info("observation on %s accepted (HTTP %d)", project, status)
                    return SendOutcome(ok=True, status=status, attempts=attempt, error=None)
                error = f"{redact_url(url)} answered HTTP {status}: {_excerpt(response)}"
                if status != 429 and status < 500:
                    log.warning("observation on %s refused: %s", project, error)
                    return SendOutcome(ok=False, status=status, attempts=attempt, error=error)
                wait = max(wait, _retry_after(response))
            if attempt < self.max_attempts:
                log.info("observation on %s: attempt %d failed (%s); retrying in %.1fs",
                         project, attempt, error, wait)
                self._sleep(wait)
        log.warning("observation on %s failed after %d attempts: %s", project, self.max_attempts, error)
        return SendOutcome(ok=False, status=status, attempts=self.max_attempts, error=error)

    def close(self) -> None:
        """Close the HTTP client if this sender made it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> ObservationSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _retry_after(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        return 0.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _excerpt(response: httpx.Response) -> str:
    try:
        text = response.text
    except (UnicodeDecodeError, httpx.HTTPError):
        return "(unreadable body)"
    text = " ".join(text.split())
    return (text[:ERROR_BODY_CHARS] + "…") if len(text) > ERROR_BODY_CHARS else (text or "(empty body)")


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return "timed out"
    return str(exc) or type(exc).__name__
