from setuptools import setup

setup(name="notebookd", version="2.1.0", packages=["notebookd"])
