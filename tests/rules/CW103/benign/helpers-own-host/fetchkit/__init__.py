"""Fetches the project's data bundle from its own host and unpacks it with tar when asked."""
import os
import subprocess
import urllib.request

BUNDLE = "https://downloads.fetchkit.example.org/bundle/latest.tar.gz"


def download(dest):
    target = os.path.join(dest, "bundle.tar.gz")
    with open(target, "wb") as out, urllib.request.urlopen(BUNDLE) as reply:
        out.write(reply.read())
    return target


def unpack(archive, tool="tar"):
    subprocess.run([tool, "-xzf", archive, "-C", os.path.dirname(archive)], check=True)
