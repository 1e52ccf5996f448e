from setuptools import setup

setup(name="fastmath", version="1.0", packages=["fastmath"],
      package_data={"fastmath": ["*.pyc", "__pycache__/*.pyc"]})
