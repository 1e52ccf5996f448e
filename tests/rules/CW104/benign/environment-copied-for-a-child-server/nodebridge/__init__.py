"""Starts the bundled node helper on a free port when imported."""
import os
import socket
import subprocess


def _start_helper():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    env = os.environ.copy()
    env["HELPER_PORT"] = str(port)
    return subprocess.Popen(["node", "helper.js"], env=env), port


HELPER, PORT = _start_helper()
