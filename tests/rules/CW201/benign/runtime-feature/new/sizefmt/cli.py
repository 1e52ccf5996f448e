import subprocess


def open_docs() -> None:
    subprocess.run(["xdg-open", "https://sizefmt.example.invalid"], check=False)
