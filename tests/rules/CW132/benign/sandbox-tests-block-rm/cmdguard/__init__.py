"""Refuses dangerous shell commands that an agent asks to run."""
import os

DENIED = ("rm -rf /", "mkfs", ":(){ :|:& };:")


class Refused(RuntimeError):
    pass


def guard() -> None:
    original = os.system

    def checked(command: str) -> int:
        if any(bad in command for bad in DENIED):
            raise Refused(command)
        return original(command)

    os.system = checked
