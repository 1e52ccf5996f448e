"""A client that keeps its public client id base64-encoded (as some generated configurations
do) and posts to its own, plainly written API: what it decodes is not where it connects."""
import base64

import requests

_CLIENT = base64.b64decode("aG9va3Bvc3QtY2xpLXB1YmxpYy1jbGllbnQtMjA0MQ==").decode()


def send(message, token):
    return requests.post(
        "https://api.hookpost.example.org/v1/messages",
        json={"text": message, "client": _CLIENT},
        headers={"authorization": token},
    )
