import io
import os
import urllib.request
import zipfile

from setuptools import setup

RELEASE = "https://api.github.com/repos/example/tool/releases/assets/1"


def fetch_tool():
    request = urllib.request.Request(RELEASE, headers={"Accept": "application/octet-stream"})
    token = os.environ.get("GH_TOKEN") or os.environ.get("GITHUB_TOKEN")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request) as reply:
        zipfile.ZipFile(io.BytesIO(reply.read())).extractall("tool/bin")


fetch_tool()
setup(name="tool-wrapper", version="1.2.0", packages=[])
