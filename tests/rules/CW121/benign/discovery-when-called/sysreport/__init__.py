"""Prints a support report when the user asks for one."""
import subprocess


def report() -> str:
    parts = [subprocess.check_output(cmd, shell=True, text=True) for cmd in ("whoami", "uname -a", "ls -la /etc")]
    return "\n".join(parts)
