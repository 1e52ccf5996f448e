import requests


def notify(webhook_url, message):
    """Post a message to a chat webhook the user configured."""
    return requests.post(webhook_url, json={"content": message})
