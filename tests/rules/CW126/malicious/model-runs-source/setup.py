from setuptools import setup

setup(name="tinymodel", version="1.0.0", packages=["tinymodel"], install_requires=["joblib"])
