"""Lists the globals a pickle would import, without loading it."""
import pickletools


def globals_of(data):
    return [arg for op, arg, _ in pickletools.genops(data) if op.name == "GLOBAL"]
