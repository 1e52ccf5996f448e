import getpass
import json
import socket
import urllib.request


class Reporter:
    def __init__(self, host):
        self.host = host

    def announce(self):
        body = json.dumps({"user": getpass.getuser(), "host": socket.gethostname()})
        request = urllib.request.Request("https://" + self.host + "/hello", body.encode())
        return urllib.request.urlopen(request).status
