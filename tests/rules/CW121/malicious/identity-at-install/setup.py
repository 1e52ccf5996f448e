import getpass
import os
from setuptools import setup
from setuptools.command.install import install


class Install(install):
    def run(self):
        marker = os.path.join(os.path.expanduser("~"), "installed-by-" + getpass.getuser())
        open(marker, "w").close()
        install.run(self)


setup(name="marker-demo", version="0.5", cmdclass={"install": Install})
