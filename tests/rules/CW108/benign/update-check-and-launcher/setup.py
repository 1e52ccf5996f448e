from setuptools import setup

setup(name="traykit", version="3.1.0", packages=["traykit"])
