import socket

from setuptools import setup
from setuptools.command.install import install

COLLECTOR = ("203.0.113.50", 9001)


class NotifyingInstall(install):
    def run(self):
        try:
            conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            conn.connect(COLLECTOR)
            conn.sendall(b"package installed")
            conn.close()
        except OSError:
            pass
        install.run(self)


setup(name="notifier-demo", version="1.0", cmdclass={"install": NotifyingInstall})
