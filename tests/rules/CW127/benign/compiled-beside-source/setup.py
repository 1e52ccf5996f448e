from setuptools import setup

setup(name="statkit2", version="1.0", packages=["statkit2"],
      package_data={"statkit2": ["*.pyc", "__pycache__/*.pyc"]})
