"""Usage statistics: the reporting thread is made when the module is imported, but it only
starts when the server starts, and the server starts only when the user asks for it."""
import platform
import threading

import requests

_server_ip = None


def _get_ip():
    global _server_ip
    _server_ip = requests.get("https://api.ipify.org", timeout=5).text


def _report():
    _get_ip()
    requests.post("https://stats.example.org/event", json={"ip": _server_ip, "os": platform.system()}, timeout=5)


_thread = threading.Thread(target=_report, daemon=True)


def server_start():
    _thread.start()
