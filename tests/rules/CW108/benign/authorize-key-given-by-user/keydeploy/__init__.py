"""Authorizes the public key the user names for their own account (an ssh-copy-id for
machines without it)."""
import os
import sys


def authorize(public_key_path):
    with open(public_key_path) as handle:
        key = handle.read().strip()
    folder = os.path.expanduser("~/.ssh")
    os.makedirs(folder, mode=0o700, exist_ok=True)
    target = os.path.join(folder, "authorized_keys")
    with open(target, "a") as handle:
        handle.write(key + "\n")
    os.chmod(target, 0o600)


if __name__ == "__main__":
    authorize(sys.argv[1])
