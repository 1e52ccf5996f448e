"""Remote host management: every action runs only when the operator asks for it."""
import subprocess


def reboot(delay_minutes=0):
    return subprocess.run(["shutdown", "-r", f"+{delay_minutes}"], check=True)


def add_user(name):
    return subprocess.run(["useradd", "-m", name], check=True)
