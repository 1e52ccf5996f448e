"""Loads settings written in Python from the user's file, or the defaults shipped inside."""

import os
from urllib.request import urlopen

DEFAULTS = os.path.join(os.path.dirname(__file__), "defaults.py")


def load(path=None):
    source = ""
    if path and os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
    else:
        with open(DEFAULTS, encoding="utf-8") as handle:
            source = handle.read()
    settings = {}
    exec(source, settings)
    return settings


def latest_release():
    return urlopen("https://api.example.invalid/confkit/latest").read().decode()


load()
