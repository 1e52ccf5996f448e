from setuptools import setup

setup(name="notes", version="0.2", packages=["notes"], install_requires=["requests"])
