from setuptools import setup

setup(name="notifykit", version="1.2.0", packages=["notifykit"], install_requires=["pyTelegramBotAPI"])
