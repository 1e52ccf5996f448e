"""Terminal colours: the escape sequence is built from character codes, as terminals expect."""
ESC = "".join(chr(c) for c in [27, 91])
RED = ESC + "31m"
RESET = ESC + "0m"


def red(text):
    return getattr(str, "join")("", [RED, text, RESET])
