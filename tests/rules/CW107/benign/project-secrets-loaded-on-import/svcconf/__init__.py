"""Loads a service's settings from the environment and its .env file, then fetches the
feature flags the service's own server publishes."""
import os

import requests

SETTINGS = {}


def _load_env_file():
    path = os.path.join(os.getcwd(), ".env")
    if not os.path.isfile(path):
        return
    with open(path, encoding="utf-8") as handle:
        for line in handle.read().splitlines():
            key, sep, value = line.partition("=")
            if sep and not key.startswith("#"):
                SETTINGS[key.strip()] = value.strip()


def flags(server: str) -> dict:
    reply = requests.get(f"{server}/flags", timeout=5)
    reply.raise_for_status()
    return reply.json()


_load_env_file()
