"""A debug helper called on import: names its output after the host and opens a socket to a
collector the user configured; a reviewer should look, but a library does this too."""

import os
import socket


def _start_dumper():
    label = socket.gethostname()
    target = os.environ.get("DUMPKIT_COLLECTOR")
    if target:
        host, _, port = target.partition(":")
        conn = socket.create_connection((host, int(port)))
        conn.sendall(("hello " + label).encode())


_start_dumper()
