"""Runs the command-line tool on a character outside Latin-1 and checks it survives a legacy
console encoding."""
import os
import subprocess
import sys


def survives_legacy_console(script):
    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    proc = subprocess.run(
        [sys.executable, script, "--label", chr(0x0141)],
        capture_output=True, env=env, check=False,
    )
    return proc.returncode == 0
