import os
import subprocess
from setuptools import setup

arch = subprocess.check_output(["uname", "-m"], text=True).strip()
flags = subprocess.check_output("pkg-config --cflags zlib 2>/dev/null", shell=True, text=True)
os.system("ls build/ > /dev/null")
subprocess.run(["git", "rev-parse", "HEAD"], check=False)
subprocess.run("cat setup.cfg", shell=True, check=False)
setup(name="native-demo", version="1.0", description=f"built for {arch} with {flags}")
