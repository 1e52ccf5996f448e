"""An echo client for testing servers."""
import socket
import subprocess


def echo(host, port, text):
    with socket.create_connection((host, port)) as s:
        s.sendall(text.encode())
        return s.recv(4096).decode()


def server_version():
    return subprocess.run(["echo-server", "--version"], capture_output=True, text=True).stdout
