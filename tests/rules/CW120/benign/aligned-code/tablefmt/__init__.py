"""Aligned assignments, trailing comments and wide strings are not hidden code."""

LEFT = 1;   RIGHT = 2;   CENTER = 3
WIDTH = 80                                        # the default terminal width
RULER = "|                                                                                                                        |"
HEADER = """
name                                                                                          value
"""


def pad(text, width=WIDTH):
    return text + " " * (width - len(text))                              # fill
