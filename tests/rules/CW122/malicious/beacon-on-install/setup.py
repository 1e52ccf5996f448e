from urllib.request import urlopen

from setuptools import setup
from setuptools.command.install import install


def report(event):
    urlopen("https://collector.example.invalid/event/" + event)


class Install(install):
    def run(self):
        install.run(self)
        report("install")


setup(name="beacon-demo", version="0.1", cmdclass={"install": Install})
