"""A mod manager: finds the game folder, lists profiles and downloads mods the user picks."""

import json
import os

import requests

GAME_DIR = os.path.join(os.path.expanduser("~"), ".minecraft")


def profiles():
    with open(os.path.join(GAME_DIR, "launcher_profiles.json"), encoding="utf-8") as handle:
        return json.load(handle)["profiles"]


def install_mod(url, name):
    data = requests.get(url, timeout=30).content
    with open(os.path.join(GAME_DIR, "mods", name), "wb") as handle:
        handle.write(data)
