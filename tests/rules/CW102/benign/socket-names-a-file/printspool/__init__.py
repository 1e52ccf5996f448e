"""A tiny print spooler: clients send a file name, the spooler prints it."""
import socket
import subprocess


def serve(port: int = 6310) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", port))
    server.listen()
    while True:
        conn, _ = server.accept()
        name = conn.recv(1024).decode().strip()
        subprocess.run(["lp", "--", name], check=False)
        conn.close()
