"""Uploads a coverage report when the user runs ``covtool upload``."""
import subprocess


def upload(report="coverage.xml", url="https://coverage.example.org/upload"):
    return subprocess.run(["sh", "-c", f"curl -sS --data-binary @{report} {url}"], check=True)
