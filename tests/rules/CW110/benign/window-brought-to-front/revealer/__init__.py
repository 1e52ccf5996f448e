"""Shows a file in the desktop's file manager, its window brought to the front."""
import os
import subprocess
import sys

if sys.platform == "win32":
    import win32con
    import win32gui


def reveal(path):
    subprocess.run(["explorer", "/select,", path], check=False)
    window = win32gui.FindWindow("CabinetWClass", None)
    if window:
        win32gui.ShowWindow(window, win32con.SW_RESTORE)
        win32gui.ShowWindow(window, 5)
        win32gui.SetForegroundWindow(window)


if os.environ.get("REVEALER_OPEN_ON_START"):
    reveal(os.getcwd())
