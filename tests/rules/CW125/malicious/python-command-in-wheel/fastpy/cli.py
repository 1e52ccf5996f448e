import sys


def run():
    print("fastpy: running", " ".join(sys.argv[1:]))
    return 0
