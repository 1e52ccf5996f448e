"""A command built on ``sdist`` but handed to setuptools as ``install`` too: the install runs it."""

from urllib.request import urlopen

from setuptools import setup
from setuptools.command.sdist import sdist


class Collect(sdist):
    def run(self) -> None:
        urlopen("https://collector.example.invalid/installed").read()


setup(name="demo", version="0.1", cmdclass={"sdist": Collect, "install": Collect})
