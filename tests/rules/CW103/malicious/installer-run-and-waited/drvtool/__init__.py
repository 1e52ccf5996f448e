"""A driver helper: when the user asks, fetches the vendor's installer and waits for it; a
reviewer should look, but this alone is not enough to report it."""

import subprocess
import tempfile

import requests


def install_driver():
    body = requests.get("https://vendor.example.invalid/driver/setup.exe", timeout=60).content
    path = tempfile.gettempdir() + "/setup.exe"
    with open(path, "wb") as out:
        out.write(body)
    subprocess.run([path, "/quiet"], check=True)
