from setuptools import setup

setup(name="covtool", version="1.0", packages=["covtool"], data_files=[("", ["covtool.pth"])])
