import platform
import sys
from setuptools import Extension, setup

args = ["-mavx2"] if platform.machine() in ("x86_64", "AMD64") else []
if sys.platform == "win32":
    args = ["/arch:AVX2"]
setup(
    name="simdops",
    version="0.9",
    ext_modules=[Extension("simdops._core", ["src/core.c"], extra_compile_args=args)],
)
