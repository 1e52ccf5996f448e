"""SSH server helpers."""


def keys_file(home):
    return home + "/.ssh/authorized_keys"
