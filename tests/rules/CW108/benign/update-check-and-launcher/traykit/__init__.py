"""A tray app: one function asks its server for the latest version; another, when the user
turns the option on, writes a plain launcher into the Startup folder."""
import os
import sys

import requests


def latest_version():
    return requests.get("https://traykit.example.org/latest.json", timeout=5).json()["version"]


def enable_autostart():
    folder = os.path.join(os.getenv("APPDATA"), "Microsoft", "Windows", "Start Menu", "Programs", "Startup")
    with open(os.path.join(folder, "traykit.bat"), "w") as out:
        out.write(f'@echo off\nstart "" "{sys.executable}" -m traykit\n')
