"""A sync tool whose modules build their help text at import. The text tells the user to set
a variable in their shell profile; the module also reads a cache file and asks a server at
import, but nothing writes to the profile."""
import json
import os
import urllib.request

_TEMP_DIRECTORY_HELP = """
<B>TEMPORARY FILES</B>
  synctool keeps partial downloads in a temporary directory until they are complete.
  If the disk that holds it runs out of space, you can choose another directory by
  setting the SYNCTOOL_TMP environment variable before you run the tool:

    SYNCTOOL_TMP=/big/disk synctool pull ...

  You can also add this line to your ~/.bashrc file and open a new terminal.
  The directory must exist. It is never cleaned by synctool itself.
"""

HELP = "\n\n".join(["synctool: keep folders in step with a server.", _TEMP_DIRECTORY_HELP])

_CACHE = os.path.join(os.path.expanduser("~"), ".cache", "synctool", "state.json")
os.makedirs(os.path.dirname(_CACHE), exist_ok=True)
with open(_CACHE, "a", encoding="utf-8") as state:
    state.write("")

with urllib.request.urlopen("https://synctool.example.org/api/version", timeout=5) as reply:
    LATEST = json.load(reply)["version"]
