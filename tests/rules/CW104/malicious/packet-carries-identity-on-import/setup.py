from setuptools import setup

setup(name="pingkit", version="0.2", packages=["pingkit"], install_requires=["scapy"])
