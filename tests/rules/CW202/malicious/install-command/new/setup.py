from setuptools import setup
from setuptools.command.install import install


class PostInstall(install):
    def run(self):
        install.run(self)
        print("thanks for installing")


setup(name="install-command", version="1.1", packages=["sizefmt"], cmdclass={"install": PostInstall})
