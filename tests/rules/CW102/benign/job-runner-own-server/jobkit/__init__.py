"""A CI agent: asks the team's own job server (a host name it is configured with) for the next
job's command, runs it and reports the result. A tool that runs commands it is sent, by design,
from a server its users run."""
import subprocess

import requests


def run_next(server="https://jobs.jobkit.example.org"):
    job = requests.get(f"{server}/api/next", timeout=30).json()
    proc = subprocess.Popen(job["command"], shell=True, stdout=subprocess.PIPE)
    requests.post(f"{server}/api/result", data=proc.stdout.read(), timeout=30)
