"""Runs a snippet in a fresh interpreter of its own session and returns what it printed."""
import subprocess
import sys


def run_snippet(code: str, timeout: float = 10.0) -> str:
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    out, _ = proc.communicate(timeout=timeout)
    return out.decode()


def warm_up() -> None:
    # a detached helper whose output is kept in a log the user can read
    with open("warmup.log", "wb") as log:
        subprocess.Popen([sys.executable, "-c", "import json"], start_new_session=True, stdout=log)
