import json
from urllib.request import urlopen


def latest_release(project):
    with urlopen(f"https://pypi.org/pypi/{project}/json") as response:
        return json.load(response)["info"]["version"]
