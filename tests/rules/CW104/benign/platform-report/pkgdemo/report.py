import platform
import socket

import requests


def send_bug_report(url, text):
    """Only when the user asks: attach platform details to a bug report."""
    body = {"text": text, "host": socket.gethostname(), "os": platform.platform()}
    return requests.post(url, json=body)
