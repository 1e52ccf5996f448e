"""Address checks for a wallet application; the sample address is test data, and the only
program started is the node the user configured."""

import re
import subprocess

SAMPLE = "4AMASi45ub7Qe4ZE36UT5G6cU4ud8Fhhe4deS4F3cw9KTAb8dLcukC7edhDQ7cn5d4gEYkbUrMWeWQLGsCmrG6dLaYyNoVK"
_ADDRESS = re.compile(r"^4[0-9AB][1-9A-HJ-NP-Za-km-z]{93}$")


def is_address(text):
    return bool(_ADDRESS.match(text))


def node_version():
    return subprocess.run(["monerod", "--version"], capture_output=True, text=True).stdout
