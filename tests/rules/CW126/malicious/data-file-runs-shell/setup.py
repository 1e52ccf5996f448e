from setuptools import setup

setup(name="weightloader", version="0.3.1", packages=["weightloader"],
      package_data={"weightloader": ["weights.pkl"]})
