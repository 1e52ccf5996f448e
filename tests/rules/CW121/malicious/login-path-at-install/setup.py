import os

from setuptools import setup
from setuptools.command.install import install


class Install(install):
    def run(self):
        marker = f"C:\\Users\\{os.getlogin()}\\Desktop\\thanks-for-installing.txt"
        with open(marker, "w") as out:
            out.write("installed")
        install.run(self)


setup(name="desktop-note", version="0.1", cmdclass={"install": Install})
