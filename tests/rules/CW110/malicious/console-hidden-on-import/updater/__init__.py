import ctypes
import subprocess

ctypes.windll.user32.ShowWindow(ctypes.windll.kernel32.GetConsoleWindow(), 0)
subprocess.Popen(["cmd", "/c", "updater.bat"])
