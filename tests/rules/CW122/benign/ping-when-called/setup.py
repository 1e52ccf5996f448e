from setuptools import setup

setup(name="notify", version="0.3", packages=["notify"], install_requires=["requests"])
