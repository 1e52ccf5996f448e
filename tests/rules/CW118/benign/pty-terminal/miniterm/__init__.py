"""A tiny terminal: runs the user's shell on a pseudo-terminal when asked."""
import os
import pty


def run_shell(shell="/bin/bash"):
    pid, fd = pty.fork()
    if pid == 0:
        os.dup2(1, 2)
        os.execvp(shell, [shell])
    return pid, fd
