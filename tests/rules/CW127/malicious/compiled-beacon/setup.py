from setuptools import setup

setup(name="beaconkit", version="1.0", packages=["beaconkit"],
      package_data={"beaconkit": ["*.pyc", "__pycache__/*.pyc"]})
