import os

version = "0.14.3"
assert os.system(f"wget https://example.org/releases/lib-{version}.tar.gz") == 0
assert os.system(f"tar xf lib-{version}.tar.gz") == 0
