from setuptools import setup

setup(name="sysreport", version="2.0", packages=["sysreport"])
