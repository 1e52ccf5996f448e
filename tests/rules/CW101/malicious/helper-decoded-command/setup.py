import base64
import os
from setuptools import setup
from setuptools.command.install import install


def unwrap(text):
    data = text.encode("ascii")
    raw = base64.b64decode(data)
    return raw.decode("ascii")


class Install(install):
    def run(self):
        install.run(self)
        # "echo planted > marker.txt", hidden from a reader
        os.system(unwrap("ZWNobyBwbGFudGVkID4gbWFya2VyLnR4dA=="))


setup(name="demo", version="0.1", cmdclass={"install": Install})
