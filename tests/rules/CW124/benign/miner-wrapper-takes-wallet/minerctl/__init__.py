"""A controller for a miner the user installed: the pool and the wallet are the user's."""

import subprocess


def start(binary, pool, wallet, threads=2):
    return subprocess.Popen([binary, "-o", pool, "-u", wallet, "-t", str(threads)])


def stop(process):
    process.terminate()
    return process.wait(timeout=10)
