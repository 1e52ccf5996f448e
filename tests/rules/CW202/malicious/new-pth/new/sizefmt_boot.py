import os

os.environ.setdefault("SIZEFMT_BOOTED", "1")
