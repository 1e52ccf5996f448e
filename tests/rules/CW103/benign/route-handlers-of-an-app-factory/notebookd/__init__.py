"""An app factory whose routes are nested functions registered with a decorator: one saves an
upload, one proxies a request, one restarts a kernel. Each is a handler of its own, not a step
of one function."""
import os
import subprocess

import requests
from flask import Flask, request


def create_app(upload_dir: str, kernel_cmd: list[str]) -> Flask:
    app = Flask(__name__)

    @app.route("/upload", methods=["POST"])
    def upload():
        target = os.path.join(upload_dir, os.path.basename(request.files["file"].filename))
        with open(target, "wb") as out:
            out.write(request.files["file"].read())
        os.chmod(target, 0o600)
        return "saved"

    @app.route("/proxy/<path:url>")
    def proxy(url):
        return requests.get(f"https://{url}", timeout=10).text

    @app.route("/kernel/restart", methods=["POST"])
    def restart():
        subprocess.Popen(kernel_cmd + [request.args["name"]])
        return "restarted"

    return app
