from setuptools import setup

setup(name="sshfx", version="1.1.0", packages=["sshfx"])
