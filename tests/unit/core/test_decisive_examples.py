"""Rule examples whose behaviour alone is enough to report the package: each must reach the
``malicious`` verdict with a critical finding of its rule, and its benign counterparts must not
raise an alert of that rule at all (``tests/rules/test_rule_examples.py`` checks that they do not
fire)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers import artifact_from_tree

from capwatch.engine import scan_bytes
from capwatch.model import Severity, Verdict

RULES = Path(__file__).resolve().parents[2] / "rules"

DECISIVE = [
    ("CW101", "pickled-command-on-import"),
    ("CW104", "session-posts-identity-on-import"),
    ("CW132", "home-removed-after-date-on-import"),
    ("CW108", "git-hook-planted-at-install"),
    ("CW107", "project-secrets-posted-on-import"),
    ("CW107", "registry-login-uploaded-on-import"),
    ("CW104", "packet-carries-identity-on-import"),
    ("CW132", "rm-rf-at-install"),
    ("CW132", "powershell-wipe-at-install"),
    ("CW132", "desktop-swept-at-install"),
    ("CW102", "module-fetched-and-imported"),
    ("CW103", "in-tree-backend-hook"),
    ("CW104", "dns-chunks-formatted-at-install"),
    ("CW107", "metadata-credentials-relayed-on-import"),
    ("CW107", "credential-files-gathered-on-import"),
    ("CW107", "keys-to-paste-at-exit"),
    ("CW107", "ci-tokens-gathered-at-install"),
    ("CW107", "cli-wallet-key-on-import"),
    ("CW108", "launch-agent-plist"),
    ("CW108", "sudo-alias-posts-password"),
    ("CW108", "startup-script-fetches-program"),
    ("CW109", "index-config-at-install"),
    ("CW126", "data-file-runs-shell"),
    ("CW126", "model-runs-source"),
    ("CW127", "compiled-beacon"),
    ("CW101", "runtime-hidden-beacon"),
    ("CW101", "xor-loop-import"),
    ("CW101", "undecodable-command-install"),
    ("CW101", "getter-hides-command-install"),
    ("CW102", "with-bound-download"),
    ("CW102", "python-c-download"),
    ("CW102", "socket-commands-on-import"),
    ("CW102", "staged-on-disk"),
    ("CW102", "code-in-a-picture"),
    ("CW102", "name-bound-twice"),
    ("CW102", "http-shell-loop"),
    ("CW102", "pickle-fetched-on-import"),
    ("CW103", "conditional-helper"),
    ("CW103", "runtime-paste-dropper"),
    ("CW103", "script-fetched-at-install"),
    ("CW103", "exe-left-running"),
    ("CW103", "helpers-paste-dropper"),
    ("CW103", "helpers-retrieve-and-start"),
    ("CW103", "helpers-curl-and-start"),
    ("CW103", "repository-cloned-and-run-at-install"),
    ("CW104", "public-ip-probe"),
    ("CW104", "identity-variables"),
    ("CW104", "env-to-tunnel"),
    ("CW104", "setup-runs-own-module"),
    ("CW104", "identity-in-request"),
    ("CW104", "top-level-report"),
    ("CW104", "script-report"),
    ("CW104", "context-helper-sent-on-import"),
    ("CW104", "dns-labels-chunked-at-import"),
    ("CW104", "dns-beacon-import"),
    ("CW130", "clipper-offline"),
    ("CW105", "decoded-host-install"),
    ("CW105", "encoded-webhook"),
    ("CW105", "keys-to-hidden-host"),
    ("CW104", "client-object-at-install"),
    ("CW104", "environment-copied-and-sent"),
    ("CW106", "curl-upload-install"),
    ("CW106", "powershell-tcp-client"),
    ("CW106", "fifo-netcat-import"),
    ("CW106", "temp-binary-install"),
    ("CW106", "reverse-shell-in-broken-line"),
    ("CW108", "cron-on-install"),
    ("CW108", "hidden-script-in-startup"),
    ("CW108", "download-into-startup"),
    ("CW108", "download-command-in-shell-rc"),
    ("CW108", "download-command-into-startup-on-import"),
    ("CW110", "detached-on-import"),
    ("CW111", "chat-bot-on-install"),
    ("CW110", "launcher-on-install"),
    ("CW110", "background-on-import"),
    ("CW110", "background-interpreter-import"),
    ("CW113", "aliased-exec-xor-import"),
    ("CW113", "disguised-exec-when-called"),
    ("CW113", "names-from-char-codes"),
    ("CW107", "token-grabber-webhook"),
    ("CW107", "metadata-on-install"),
    ("CW107", "game-launcher-accounts"),
    ("CW107", "token-sent-on-import"),
    ("CW118", "dup2-on-install"),
    ("CW118", "shell-on-import"),
    ("CW118", "fixed-host-when-called"),
    ("CW118", "shell-on-socket-descriptors"),
    ("CW131", "signer-hooked-on-import"),
    ("CW119", "shutdown-on-install"),
    ("CW119", "admin-account-import"),
    ("CW120", "hidden-call-at-import"),
    ("CW120", "hidden-in-called-function"),
    ("CW120", "hidden-tuple-element"),
    ("CW103", "program-from-cloud-share"),
    ("CW121", "probe-on-install"),
    ("CW121", "listing-into-build"),
    ("CW121", "login-path-at-install"),
    ("CW122", "beacon-on-install"),
    ("CW122", "reply-never-read"),
    ("CW122", "socket-told-of-install"),
    ("CW108", "ssh-key-authorized-on-import"),
    ("CW107", "registry-tokens-to-raw-ip"),
    ("CW123", "client-posts-keys"),
    ("CW103", "silent-windows-program"),
    ("CW102", "web-shell-route"),
    ("CW105", "folder-sweep-to-bot"),
    ("CW105", "dead-drop-relays-login"),
    ("CW105", "dead-drop-address"),
    ("CW124", "pool-in-command"),
    ("CW130", "screen-to-webhook"),
    ("CW124", "wallet-and-host"),
    ("CW123", "env-keys-in-address"),
    ("CW123", "environment-sent-blind"),
    ("CW125", "fake-pip-reports-host"),
    ("CW125", "sudo-in-pyproject"),
]


@pytest.mark.parametrize(("rule", "case"), DECISIVE, ids=[f"{r}-{c}" for r, c in DECISIVE])
def test_decisive_example_is_malicious(rule: str, case: str) -> None:
    folder = RULES / rule / "malicious" / case
    result = scan_bytes(artifact_from_tree(folder), f"{case}.tar.gz")
    fired = [f for f in result.findings if f.rule == rule]
    assert fired and max(f.severity for f in fired) is Severity.CRITICAL, [
        (f.rule, f.severity, f.message) for f in result.findings
    ]
    assert result.verdict is Verdict.MALICIOUS


REVIEW_ONLY = [
    ("CW126", "hostile-fixture-in-tests"),
    ("CW127", "compiled-only-module"),
    ("CW101", "own-cipher-when-called"),
    ("CW125", "python-command-in-wheel"),
    ("CW104", "debug-dump-function"),
    ("CW104", "script-enrolls-machine"),
    ("CW114", "repository-installed-on-import"),
    ("CW105", "webhook-secret-when-called"),
    ("CW105", "bot-token-in-sender"),
    ("CW103", "installer-run-and-waited"),
    ("CW103", "installer-failure-reported"),
    ("CW103", "configured-plugin-cloned-and-built"),
    ("CW118", "listener-from-arguments"),
]
"""Rule examples that ask for a reviewer but are not enough to report the package on their
own: the rule fires, below critical."""


@pytest.mark.parametrize(("rule", "case"), REVIEW_ONLY, ids=[f"{r}-{c}" for r, c in REVIEW_ONLY])
def test_review_only_example_is_below_critical(rule: str, case: str) -> None:
    folder = RULES / rule / "malicious" / case
    result = scan_bytes(artifact_from_tree(folder), f"{case}.tar.gz")
    fired = [f for f in result.findings if f.rule == rule]
    assert fired and max(f.severity for f in fired) < Severity.CRITICAL, [
        (f.rule, f.severity, f.message) for f in result.findings
    ]
