"""Finds committed secrets in a repository and reports them to the team's own service."""
import pathlib
import re

import requests

RULES = {
    "github": re.compile(r"ghp_[A-Za-z0-9]{36}"),
    "chat": re.compile(r"[\w-]{24}\.[\w-]{6}\.[\w-]{27}"),
}


def scan(root, report_url):
    hits = []
    for path in pathlib.Path(root).rglob("*.py"):
        text = path.read_text(errors="ignore")
        hits += [(str(path), kind) for kind, rule in RULES.items() if rule.search(text)]
    requests.post(report_url, json={"hits": hits}, timeout=10)
    return hits
