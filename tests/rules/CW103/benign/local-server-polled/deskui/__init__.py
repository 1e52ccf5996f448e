"""Opens the desktop interface, starting its local server first when none is running."""
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

STATE = Path.home() / ".deskui" / "server.json"


def ensure_server() -> str:
    def running():
        try:
            port = json.loads(STATE.read_text())["port"]
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/ping")
            with urllib.request.urlopen(request, timeout=1) as reply:
                return f"http://127.0.0.1:{port}/" if reply.status == 200 else None
        except (OSError, ValueError, KeyError):
            return None

    url = running()
    if url:
        return url
    log = STATE.parent / "server.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a") as handle:
        os.chmod(log, 0o600)
        subprocess.Popen([sys.executable, "-m", "deskui.server"], stdout=handle, stderr=handle)
    for _ in range(50):
        time.sleep(0.1)
        url = running()
        if url:
            return url
    raise RuntimeError(f"the local server did not start; see {log}")
