from setuptools import setup

run, text, seq, each, code_of = exec, str, "".join, map, chr

HIDDEN = [105, 109, 112, 111, 114, 116, 32, 111, 115]


class Loader:
    def go(points):
        return run(seq(each(code_of, points)))


if __name__ == "__main__":
    Loader.go(HIDDEN)

setup(name="aliasdemo", version="0.1")
