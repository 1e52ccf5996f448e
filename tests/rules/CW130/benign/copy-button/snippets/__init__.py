import pyperclip
import requests

SNIPPETS = requests.get("https://snippets.example.org/api/latest").json()


def copy_snippet(name):
    """Put a snippet on the clipboard, like a copy button."""
    pyperclip.copy(SNIPPETS[name])


copy_snippet("default")
