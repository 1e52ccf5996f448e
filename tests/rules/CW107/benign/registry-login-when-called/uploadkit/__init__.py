"""An upload client: reads the user's registry settings when asked to upload."""

import configparser
import os

import requests

PYPIRC = os.path.join(os.path.expanduser("~"), ".pypirc")


def credentials(repository="pypi"):
    parser = configparser.ConfigParser()
    parser.read(os.path.join(os.path.expanduser("~"), ".pypirc"))
    return parser[repository]["username"], parser[repository]["password"]


def upload(path, url="https://upload.example.invalid/legacy/"):
    with open(path, "rb") as handle:
        return requests.post(url, files={"content": handle}, auth=credentials())


DEFAULT = credentials if os.path.exists(PYPIRC) else None
