"""A kernel helper: a function starts a console in a second interpreter and hands the process
to its caller, who decides when to wait for it."""

import subprocess
import sys


def launch_console(connection_file):
    return subprocess.Popen(
        [sys.executable, "-c", "from consolekit.app import main; main()", connection_file],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _register(table):
    table["console"] = launch_console
    return table


def _autoconnect():
    if "--console" in sys.argv:
        launch_console(sys.argv[-1]).wait()


COMMANDS = _register({})
_autoconnect()
