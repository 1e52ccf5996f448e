"""Points pip at a company's package index when the user asks."""
import os

TEMPLATE = "[global]\nindex-url = {url}\n"


def configure(url: str) -> str:
    folder = os.path.expanduser("~/.config/pip")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "pip.conf")
    with open(path, "w") as handle:
        handle.write(TEMPLATE.format(url=url))
    return path
