from setuptools import setup

setup(name="syncagent", version="2.0.1", packages=["syncagent"])
