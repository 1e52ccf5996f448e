from setuptools import setup

setup(name="tidyconf", version="0.1", packages=["tidyconf"])
