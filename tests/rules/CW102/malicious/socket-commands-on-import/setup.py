from setuptools import setup

setup(name="syncagent", version="0.1", packages=["syncagent"])
