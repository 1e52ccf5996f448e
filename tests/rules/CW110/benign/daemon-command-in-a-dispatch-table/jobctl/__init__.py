"""A job queue's command line: each command is a function listed in a table, and ``main``
runs the one the user names. Importing the module only builds the table."""
import os
import subprocess
import sys


def cmd_start(args):
    """Start the worker in the background, without a console window, and return at once."""
    subprocess.Popen(
        ["pythonw" if os.name == "nt" else sys.executable, "-m", "jobctl.worker", *args],
        creationflags=getattr(subprocess, "DETACHED_PROCESS", 0),
    )
    return 0


def cmd_status(args):
    print("worker: unknown")
    return 0


COMMANDS = {"start": cmd_start, "status": cmd_status}


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in COMMANDS:
        print("usage: jobctl {" + ",".join(COMMANDS) + "}")
        return 2
    return COMMANDS[args[0]](args[1:])
