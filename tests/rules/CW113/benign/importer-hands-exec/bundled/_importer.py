"""Imports the modules a frozen application carries in its own resource table: compiled code
when the build stored it, the source otherwise, an empty module for a folder without one."""

import marshal
import sys
from importlib.abc import InspectLoader, MetaPathFinder
from importlib.machinery import ModuleSpec

RESOURCES: dict[str, bytes] = {}


def _call_with_frames_removed(f, *args, **kwargs):
    return f(*args, **kwargs)


class ResourceImporter(MetaPathFinder, InspectLoader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname + ".py" in RESOURCES or fullname + ".pyc" in RESOURCES:
            return ModuleSpec(fullname, self, origin=fullname)
        return None

    def get_code(self, fullname):
        compiled = RESOURCES.get(fullname + ".pyc")
        if compiled:
            return marshal.loads(compiled[16:])
        source = RESOURCES.get(fullname + ".py")
        if source:
            return compile(source, fullname, "exec", dont_inherit=True)
        return compile("", fullname, "exec", dont_inherit=True)

    def get_source(self, fullname):
        return RESOURCES.get(fullname + ".py", b"").decode()

    def exec_module(self, module):
        code = self.get_code(module.__name__)
        _call_with_frames_removed(exec, code, module.__dict__)


def install():
    sys.meta_path.insert(0, ResourceImporter())
