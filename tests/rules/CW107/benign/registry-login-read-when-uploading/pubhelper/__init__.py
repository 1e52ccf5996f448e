"""Uploads distributions with the login kept in ~/.pypirc."""
import configparser
import os

import requests


def upload(path: str, repository: str = "pypi") -> int:
    config = configparser.ConfigParser()
    config.read(os.path.expanduser("~/.pypirc"))
    section = config[repository]
    with open(path, "rb") as dist:
        reply = requests.post(
            section.get("repository", "https://upload.pypi.org/legacy/"),
            auth=(section["username"], section["password"]),
            files={"content": dist},
            timeout=60,
        )
    reply.raise_for_status()
    return reply.status_code
