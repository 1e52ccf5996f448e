import sys
import urllib.request


def main():
    if sys.argv[1:2] == ["download"]:
        with urllib.request.urlopen(sys.argv[2]) as response, open(sys.argv[3], "wb") as out:
            out.write(response.read())
