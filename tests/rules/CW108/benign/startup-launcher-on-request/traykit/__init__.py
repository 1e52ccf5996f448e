"""A tray app's "start with Windows" option: writes a plain launcher into the Startup folder
when the user turns the option on."""
import os
import sys


def enable_autostart():
    folder = os.path.join(os.getenv("APPDATA"), "Microsoft", "Windows", "Start Menu", "Programs", "Startup")
    with open(os.path.join(folder, "traykit.bat"), "w") as out:
        out.write(f'@echo off\nstart "" "{sys.executable}" -m traykit\n')
