import os

import requests

DEFAULT_KEY = os.path.expanduser("~/.ssh/id_rsa")


def connect(host, key_file=DEFAULT_KEY):
    """A client that uses the user's SSH key when asked to connect."""
    return requests.get(f"https://{host}/health"), key_file
