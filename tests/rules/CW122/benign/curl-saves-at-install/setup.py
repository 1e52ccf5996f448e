import subprocess

from setuptools import setup
from setuptools.command.build_ext import build_ext

URL = "https://downloads.example.org/libfast-2.1.tar.gz"


class BuildExt(build_ext):
    def run(self):
        subprocess.check_call(["curl", "-fsSLo", "libfast.tar.gz", URL])
        subprocess.check_call("curl -fsSL https://downloads.example.org/patch.diff | patch -p1",
                              shell=True)
        version = subprocess.check_output(["curl", "-s", "https://downloads.example.org/latest"])
        subprocess.check_call(["tar", "xzf", "libfast.tar.gz", version.decode().strip()])
        build_ext.run(self)


setup(name="fastthing", version="2.1", cmdclass={"build_ext": BuildExt})
