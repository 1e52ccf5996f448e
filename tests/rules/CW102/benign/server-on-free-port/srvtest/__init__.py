"""Starts a test server on a free port the OS picks (a socket only finds the port)."""
import socket
import subprocess
import sys


def serve(script):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return subprocess.Popen([sys.executable, script, str(port)])
