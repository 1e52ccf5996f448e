"""Checks on import whether a newer release exists; runs git only when the user asks."""
import subprocess

import requests


def _latest():
    return requests.get("https://pypi.org/pypi/updatecheck/json", timeout=3).json()["info"]["version"]


LATEST = _latest()


def clone(url, dest):
    return subprocess.run(["git", "clone", url, dest], check=True)
