from setuptools import setup

setup(name="envcheck", version="0.1.2", packages=["envcheck"])
