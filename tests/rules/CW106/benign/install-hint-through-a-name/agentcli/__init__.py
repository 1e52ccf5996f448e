"""Starts the helper servers a coding agent talks to; says how to install a missing one."""

import subprocess

def start(command, *args):
    try:
        return subprocess.Popen([command, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    except FileNotFoundError as exc:
        hint = ""
        if command == "uv":
            hint = (
                " Install uv or use the standalone build"
                " (curl -fsSL https://agent.example.org/install | sh)."
            )
        raise FileNotFoundError(f"command not found: {command!r}.{hint}") from exc
