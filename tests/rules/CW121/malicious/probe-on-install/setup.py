import os
from setuptools import setup
from setuptools.command.install import install


class PostInstall(install):
    def run(self):
        install.run(self)
        who = os.popen("whoami && hostname").read()
        print("installed by", who)


setup(name="probe-demo", version="0.1", cmdclass={"install": PostInstall})
