"""Starts the project's own server on a free port, records its process id, and polls it over
HTTP until it answers: a process started first, a request to it afterwards."""
import socket
import subprocess
import sys
import time
import urllib.request


def start_server(pid_file: str, timeout: float = 10.0) -> int | None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "devserve.app", "--port", str(port)])
    with open(pid_file, "w") as out:
        out.write(str(server.pid))
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=0.5):
                return port
        except OSError:
            time.sleep(0.1)
    server.kill()
    return None
