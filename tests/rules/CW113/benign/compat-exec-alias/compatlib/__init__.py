"""Python 2/3 compatibility helpers: exec under another name, and a generated class."""
exec_ = exec

_TEMPLATE = "class {name}(tuple):\n    __slots__ = ()\n"


def make_record(name):
    namespace = {}
    exec_(_TEMPLATE.format(name=name), namespace)
    return namespace[name]


Point = make_record("Point")
SEPARATOR = "".join(chr(c) for c in (45, 45))
