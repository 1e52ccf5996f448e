import os
import subprocess

from setuptools import setup


def kernel_jobs():
    """How many kernels to generate in parallel: the processor's cores, else the CPU count."""
    words = subprocess.run(
        "cat /proc/cpuinfo | grep 'cpu cores' | head -1",
        shell=True, check=True, text=True, stdout=subprocess.PIPE,
    ).stdout.split()
    return int(words[-1]) if words and words[-1].isdigit() else os.cpu_count()


if os.environ.get("BUILD_KERNELS"):
    subprocess.check_call(["python", "tools/generate_kernels.py", "--jobs", str(kernel_jobs())])

setup(name="kernelpack", version="0.2", packages=["kernelpack"])
