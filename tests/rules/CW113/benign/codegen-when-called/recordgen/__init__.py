"""Builds small record classes from a template when asked (code generation, nothing hidden)."""
import textwrap

_TEMPLATE = textwrap.dedent(
    """
    class {name}:
        __slots__ = {fields!r}
    """
)


def record(name, fields):
    namespace = {}
    source = _TEMPLATE.format(name=name, fields=tuple(fields))
    exec(source, namespace)
    return getattr(namespace[name], "__slots__") and namespace[name]
