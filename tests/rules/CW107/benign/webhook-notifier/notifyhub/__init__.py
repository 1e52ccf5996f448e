"""Posts build results to a chat webhook the user configures."""
import os

import requests


def notify(text, webhook_url=None):
    url = webhook_url or os.environ["NOTIFYHUB_WEBHOOK"]
    return requests.post(url, json={"content": text}, timeout=10)
