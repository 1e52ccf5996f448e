"""A small repository browser: a route runs git with a count the visitor chooses."""

import subprocess

from flask import Flask, abort, request

app = Flask(__name__)


@app.route("/log")
def log():
    count = request.args.get("n", "10")
    if not count.isdigit():
        abort(400)
    out = subprocess.run(["git", "log", "--oneline", "-n", count], capture_output=True, text=True)
    return out.stdout
