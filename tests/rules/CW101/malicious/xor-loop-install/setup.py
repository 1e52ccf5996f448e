from setuptools import setup

data = "\x1b\x1f\x1e\x1d"
key = "rrrr"
code = ""
for a, b in zip(data, key):
    code += chr(ord(a) ^ ord(b))
eval(compile(code, "<string>", "exec"))
setup(name="demo", version="0.1")
