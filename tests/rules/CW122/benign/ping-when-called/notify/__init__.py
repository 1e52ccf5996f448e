"""Post events to a status page the user configures."""

import requests


def post_event(endpoint, name, **fields):
    """Fire and forget: the status page answers nothing worth reading."""
    requests.post(endpoint, json={"event": name, **fields}, timeout=5)
