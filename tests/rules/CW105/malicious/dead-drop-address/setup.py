from setuptools import setup

setup(name="vaultkit", version="1.0.0", packages=["vaultkit"])
