"""A browser terminal: each session runs the user's shell on a pseudo-terminal, and the web
server relays its output to the page over its own connection."""

import os
import pty
import subprocess


class Session:
    def __init__(self, shell="/bin/bash"):
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [shell, "-i"], stdin=slave, stdout=slave, stderr=slave, start_new_session=True
        )
        os.close(slave)

    def read(self, size=4096):
        return os.read(self.master, size)

    def write(self, data):
        os.write(self.master, data)
