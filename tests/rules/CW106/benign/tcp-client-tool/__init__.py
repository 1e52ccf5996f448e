"""A port checker that builds a PowerShell TCP test for Windows hosts; nothing is executed."""

import subprocess


def probe_command(host: str, port: int) -> str:
    return f"$c = New-Object System.Net.Sockets.TCPClient('{host}', {port}); $c.Connected"


def check(host: str, port: int) -> bool:
    out = subprocess.run(["powershell", "-NoProfile", "-Command", probe_command(host, port)],
                         capture_output=True, text=True)
    return "True" in out.stdout
