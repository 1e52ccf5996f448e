from setuptools import setup

setup(name="envdoctor", version="0.4.0", packages=["envdoctor"])
