"""An obfuscator's output: exec under another name, code rebuilt from numbers."""
import sys

show, text = exec, str

_NUMBERS = [119, 121, 112, 117, 123, 47, 41, 119, 104, 128, 115, 118, 104, 107, 41, 48, 17]


def run():
    shift = sys.getrecursionlimit() % 993
    show("".join(chr(n - shift) for n in _NUMBERS) + text(ord("a")))
